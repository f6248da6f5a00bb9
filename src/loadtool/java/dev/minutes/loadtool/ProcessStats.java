package dev.minutes.loadtool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * CPU time and resident memory of a process from Linux' /proc, so the tool can report the server's
 * cost and its own (a saturated load tool must never pass for a slow server), and the same per
 * thread with its wake-ups, which say where the server's time goes (its event loops, Automerge
 * lanes, the JIT, Redis) and how often its threads hand work to each other.
 */
final class ProcessStats {
  /** USER_HZ: the unit of utime/stime in /proc/PID/stat; 100 on every Linux build in practice. */
  private static final double TICKS_PER_SECOND = 100.0;

  /** A thread name's trailing number and the separators around it ("-1", "#0", "-", " 12"). */
  private static final Pattern NUMBERED = Pattern.compile("[-#_ ]*\\d*[-#_ ]*$");

  private final String pid;

  ProcessStats(String pid) {
    this.pid = pid;
  }

  static ProcessStats self() {
    return new ProcessStats("self");
  }

  String pid() {
    return pid;
  }

  boolean alive() {
    return Files.exists(Path.of("/proc", pid, "stat"));
  }

  /** User plus system CPU seconds consumed so far. */
  double cpuSeconds() {
    return cpuSecondsOf(read("stat"));
  }

  /**
   * Every live thread's group (see {@link #threadGroup}), CPU seconds and wake-ups so far, by
   * thread id. A thread that ends while this reads is left out (its time stays in the process'
   * total).
   */
  Map<String, ThreadSample> threads() {
    Map<String, ThreadSample> threads = new TreeMap<>();
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", pid, "task"))) {
      for (Path task : tasks) {
        readThread(task).ifPresent(sample -> threads.put(task.getFileName().toString(), sample));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list /proc/" + pid + "/task", e);
    } catch (DirectoryIteratorException e) {
      throw new UncheckedIOException("cannot list /proc/" + pid + "/task", e.getCause());
    }
    return threads;
  }

  private static Optional<ThreadSample> readThread(Path task) {
    try {
      String stat = Files.readString(task.resolve("stat"));
      String status = Files.readString(task.resolve("status"));
      return Optional.of(
          new ThreadSample(
              threadGroup(threadName(stat)),
              new ThreadTimes(cpuSecondsOf(stat), wakeUpsOf(status))));
    } catch (IOException ended) {
      return Optional.empty();
    }
  }

  /**
   * A thread's group: its name (which Linux cuts to 15 characters) without a trailing number and
   * separator, so that "automerge-1" and "automerge-2" add up as "automerge", "GC Thread#0" as "GC
   * Thread".
   */
  static String threadGroup(String name) {
    String group = NUMBERED.matcher(name).replaceFirst("");
    return group.isEmpty() ? name : group;
  }

  /**
   * Field 2 of a stat line: the name between the first '(' and the last ')' (a name may hold
   * either).
   */
  static String threadName(String stat) {
    return stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
  }

  static double cpuSecondsOf(String stat) {
    // Field 2 (comm) may contain spaces; the fields after its closing parenthesis are fixed.
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
    long utime = Long.parseLong(fields[11]);
    long stime = Long.parseLong(fields[12]);
    return (utime + stime) / TICKS_PER_SECOND;
  }

  /**
   * Voluntary context switches: each is the thread going to sleep (on a queue, a futex, epoll, a
   * disk write) until something wakes it. Involuntary ones (preemption) are left out: they count
   * CPU contention, not hand-offs.
   */
  static long wakeUpsOf(String status) {
    for (String line : status.split("\n")) {
      if (line.startsWith("voluntary_ctxt_switches:")) {
        return Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
      }
    }
    return 0;
  }

  /** CPU seconds and wake-ups of one thread or group of threads. */
  record ThreadTimes(double cpuSeconds, long wakeUps) {
    static final ThreadTimes NONE = new ThreadTimes(0, 0);

    ThreadTimes plus(ThreadTimes other) {
      return new ThreadTimes(cpuSeconds + other.cpuSeconds, wakeUps + other.wakeUps);
    }

    ThreadTimes minus(ThreadTimes earlier) {
      return new ThreadTimes(cpuSeconds - earlier.cpuSeconds, wakeUps - earlier.wakeUps);
    }
  }

  /** One thread's group and its totals so far. */
  record ThreadSample(String group, ThreadTimes times) {}

  /** Resident set size in bytes (VmRSS). */
  long rssBytes() {
    for (String line : read("status").split("\n")) {
      if (line.startsWith("VmRSS:")) {
        String[] parts = line.substring(6).trim().split("\\s+");
        return Long.parseLong(parts[0]) * 1024;
      }
    }
    return 0;
  }

  private String read(String file) {
    try {
      return Files.readString(Path.of("/proc", pid, file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read /proc/" + pid + "/" + file, e);
    }
  }
}
