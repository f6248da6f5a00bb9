package dev.minutes.support;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A certificate authority of its own and a certificate it signed for 127.0.0.1 (made with the
 * system's {@code openssl}), for Redis processes that speak TLS only.
 */
public record TestCertificates(Path ca, Path certificate, Path key) {

  /** Makes them in {@code dir}. */
  public static TestCertificates create(Path dir) throws Exception {
    Files.createDirectories(dir);
    Path caKey = dir.resolve("ca.key");
    Path ca = dir.resolve("ca.crt");
    Path key = dir.resolve("redis.key");
    Path request = dir.resolve("redis.csr");
    Path certificate = dir.resolve("redis.crt");
    Path extensions = Files.writeString(dir.resolve("san.ext"), "subjectAltName=IP:127.0.0.1\n");
    openssl(
        dir,
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        caKey,
        "-out",
        ca,
        "-days",
        "2",
        "-subj",
        "/CN=minutes test CA");
    openssl(
        dir,
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        key,
        "-out",
        request,
        "-subj",
        "/CN=127.0.0.1");
    openssl(
        dir,
        "x509",
        "-req",
        "-in",
        request,
        "-CA",
        ca,
        "-CAkey",
        caKey,
        "-CAcreateserial",
        "-out",
        certificate,
        "-days",
        "2",
        "-extfile",
        extensions);
    return new TestCertificates(ca, certificate, key);
  }

  /** Config lines that make a Redis server or Sentinel listen on {@code port} with TLS only. */
  public List<String> tlsOnly(int port) {
    return List.of(
        "port 0",
        "tls-port " + port,
        "tls-cert-file " + certificate,
        "tls-key-file " + key,
        "tls-ca-cert-file " + ca,
        "tls-auth-clients no",
        "tls-replication yes");
  }

  private static void openssl(Path dir, Object... args) throws Exception {
    List<String> command =
        java.util.stream.Stream.concat(
                java.util.stream.Stream.of("openssl"),
                java.util.Arrays.stream(args).map(String::valueOf))
            .toList();
    Process process =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
    }
  }
}
