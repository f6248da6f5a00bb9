package dev.minutes.loadtool;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Process statistics from /proc")
class ProcessStatsTest {

  @Test
  @DisplayName("threads are grouped by name without their number, as Linux shortens the names")
  void threadGroups() {
    assertThat(ProcessStats.threadGroup("automerge-1")).isEqualTo("automerge");
    assertThat(ProcessStats.threadGroup("GC Thread#0")).isEqualTo("GC Thread");
    assertThat(ProcessStats.threadGroup("redisson-timer-")).isEqualTo("redisson-timer");
    assertThat(ProcessStats.threadGroup("vert.x-eventloo")).isEqualTo("vert.x-eventloo");
    assertThat(ProcessStats.threadGroup("C2 CompilerThre")).isEqualTo("C2 CompilerThre");
    assertThat(ProcessStats.threadGroup("bio_aof_fsync")).isEqualTo("bio_aof_fsync");
    assertThat(ProcessStats.threadGroup("42")).isEqualTo("42");
  }

  @Test
  @DisplayName("a thread's CPU time and its context switches are counted in its group")
  void countsCpuAndSwitchesPerGroup() throws InterruptedException {
    CountDownLatch measured = new CountDownLatch(1);
    CountDownLatch busy = new CountDownLatch(1);
    Thread burner = new Thread(() -> {
      try {
        for (int i = 0; i < 5; i++) {
          Thread.sleep(1); // each sleep is a voluntary context switch
        }
        burnCpu(200_000_000L);
        busy.countDown();
        measured.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "burner-test-7");
    burner.start();
    try {
      busy.await();
      Map<String, ProcessStats.ThreadTimes> groups = ProcessStats.self().threadGroups();

      assertThat(groups).containsKey("burner-test");
      assertThat(groups.get("burner-test").cpuSeconds()).isGreaterThanOrEqualTo(0.15);
      assertThat(groups.get("burner-test").contextSwitches()).isGreaterThanOrEqualTo(5);
    } finally {
      measured.countDown();
      burner.join();
    }
  }

  /** Spins until this thread has used {@code nanos} of CPU time (not wall-clock time). */
  private static void burnCpu(long nanos) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long until = threads.getCurrentThreadCpuTime() + nanos;
    long sink = 0;
    while (threads.getCurrentThreadCpuTime() < until) {
      sink += System.identityHashCode(threads);
    }
    if (sink == 42) {
      System.out.print(""); // keeps the loop from being optimised away
    }
  }
}
