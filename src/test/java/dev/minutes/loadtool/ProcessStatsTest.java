package dev.minutes.loadtool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.minutes.loadtool.ProcessStats.ThreadSample;
import dev.minutes.loadtool.ProcessStats.ThreadTimes;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

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
  @DisplayName(
      "a stat line is read after the last parenthesis, so a name holding ') ' cannot shift the fields")
  void parsesStatAndStatus() {
    String stat =
        "4711 (odd) name 3) S 1 4711 4711 0 -1 4194368 120 0 0 0 250 75 0 0 20 0 1 0 100 0 0";
    assertThat(ProcessStats.threadName(stat)).isEqualTo("odd) name 3");
    assertThat(ProcessStats.cpuSecondsOf(stat)).isEqualTo(3.25);
    String status =
        "Name:\tjava\nvoluntary_ctxt_switches:\t1234\nnonvoluntary_ctxt_switches:\t99\n";
    assertThat(ProcessStats.wakeUpsOf(status))
        .as("voluntary switches only: preemptions are not hand-offs")
        .isEqualTo(1234);
  }

  @Test
  @DisplayName(
      "group figures are taken thread by thread: a new thread counts from zero, an ended one drops out")
  void groupDeltasFollowThreads() {
    Map<String, ThreadSample> before =
        Map.of(
            "10", new ThreadSample("lane", new ThreadTimes(5.0, 100)),
            "11", new ThreadSample("lane", new ThreadTimes(7.0, 300)),
            "12", new ThreadSample("jit", new ThreadTimes(9.0, 50)));
    Map<String, ThreadSample> after =
        Map.of(
            "10", new ThreadSample("lane", new ThreadTimes(6.5, 160)),
            "13", new ThreadSample("lane", new ThreadTimes(0.5, 20)),
            "14", new ThreadSample("idle", new ThreadTimes(0, 0)));

    Map<String, ThreadTimes> groups = ResourceMonitor.groupDeltas(before, after);

    assertThat(groups).containsOnlyKeys("lane");
    assertThat(groups.get("lane").cpuSeconds()).isEqualTo(2.0);
    assertThat(groups.get("lane").wakeUps()).isEqualTo(80);
  }

  @Test
  @EnabledOnOs(OS.LINUX)
  @DisplayName("a live thread's CPU time and wake-ups are read from /proc")
  void readsLiveThreads() throws InterruptedException {
    ThreadMXBean threadBean = ManagementFactory.getThreadMXBean();
    assertThat(threadBean.isCurrentThreadCpuTimeSupported()).isTrue();
    CountDownLatch measured = new CountDownLatch(1);
    CountDownLatch busy = new CountDownLatch(1);
    Thread burner =
        new Thread(
            () -> {
              try {
                for (int i = 0; i < 5; i++) {
                  // Joining a thread that burns 20 ms of its own CPU time puts this one to sleep
                  // until it ends:
                  // each join is a voluntary context switch, whatever the machine's speed.
                  Thread child = new Thread(() -> burnCpu(threadBean, 20_000_000L));
                  child.start();
                  child.join();
                }
                burnCpu(threadBean, 200_000_000L);
                busy.countDown();
                measured.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "burner-test-7");
    burner.start();
    try {
      busy.await();
      Map<String, ThreadTimes> groups =
          ResourceMonitor.groupDeltas(Map.of(), ProcessStats.self().threads());

      assertThat(groups).containsKey("burner-test");
      assertThat(groups.get("burner-test").cpuSeconds()).isGreaterThanOrEqualTo(0.15);
      assertThat(groups.get("burner-test").wakeUps()).isGreaterThanOrEqualTo(5);
    } finally {
      measured.countDown();
      burner.join();
    }
  }

  /** Spins until this thread has used {@code nanos} of CPU time (not wall-clock time). */
  private static void burnCpu(ThreadMXBean threadBean, long nanos) {
    long until = threadBean.getCurrentThreadCpuTime() + nanos;
    long sink = 0;
    while (threadBean.getCurrentThreadCpuTime() < until) {
      sink += System.identityHashCode(threadBean);
    }
    if (sink == 42) {
      System.out.print(""); // keeps the loop from being optimised away
    }
  }
}
