package dev.minutes.architecture;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The package structure as rules the build checks (docs/architecture.md): each feature package
 * (app, http, sync, store, meeting, series, render, publish, …) is a slice, and data flows one way
 * between them. A dependency that goes back up breaks the build here, naming the classes.
 */
@DisplayName("The package structure")
class ArchitectureTest {
  private static JavaClasses server;

  @BeforeAll
  static void importServer() {
    server =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(location -> !location.contains("/loadtool/"))
            .importPackages("dev.minutes");
  }

  @Test
  @DisplayName("has no cycles between feature packages")
  void noCyclesBetweenFeatures() {
    slices().matching("dev.minutes.(*)..").should().beFreeOfCycles().check(server);
  }

  @Test
  @DisplayName("keeps the wire codec pure: it depends on no other package of the server")
  void codecIsPure() {
    com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses()
        .that()
        .resideInAPackage("dev.minutes.sync.codec..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.minutes.app..",
            "dev.minutes.http..",
            "dev.minutes.store..",
            "dev.minutes.meeting..",
            "dev.minutes.publish..",
            "dev.minutes.render..",
            "io.vertx..")
        .check(server);
  }

  @Test
  @DisplayName("keeps the store free of sockets and sessions: it does not depend on sync or http")
  void storeKnowsNoSockets() {
    com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses()
        .that()
        .resideInAPackage("dev.minutes.store..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.minutes.sync..", "dev.minutes.http..")
        .check(server);
  }
}
