package dev.minutes.loadtool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * CPU time and resident memory of a process from Linux' /proc, so the tool can report the server's
 * cost and its own (a saturated load tool must never pass for a slow server), and the same per group
 * of threads with their context switches, which say where the server's time goes (its event loops,
 * Automerge lanes, the JIT, Redis) and how often its threads wake each other.
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

  /** CPU seconds and context switches so far per thread group (see {@link #threadGroup}) of live threads. */
  Map<String, ThreadTimes> threadGroups() {
    Map<String, ThreadTimes> groups = new TreeMap<>();
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", pid, "task"))) {
      for (Path task : tasks) {
        try {
          String stat = Files.readString(task.resolve("stat"));
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          ThreadTimes times = new ThreadTimes(cpuSecondsOf(stat), contextSwitchesOf(Files.readString(task.resolve("status"))));
          groups.merge(threadGroup(name), times, ThreadTimes::plus);
        } catch (IOException ended) {
          // The thread ended between listing and reading: its time is still in the process' total.
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list /proc/" + pid + "/task", e);
    }
    return groups;
  }

  /**
   * A thread's group: its name (which Linux cuts to 15 characters) without a trailing number and
   * separator, so that "automerge-1" and "automerge-2" add up as "automerge", "GC Thread#0" as "GC Thread".
   */
  static String threadGroup(String name) {
    String group = NUMBERED.matcher(name).replaceFirst("");
    return group.isEmpty() ? name : group;
  }

  private static double cpuSecondsOf(String stat) {
    // Field 2 (comm) may contain spaces; the fields after its closing parenthesis are fixed.
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
    long utime = Long.parseLong(fields[11]);
    long stime = Long.parseLong(fields[12]);
    return (utime + stime) / TICKS_PER_SECOND;
  }

  /** Voluntary (it waited) plus involuntary (it was preempted) context switches. */
  private static long contextSwitchesOf(String status) {
    long switches = 0;
    for (String line : status.split("\n")) {
      if (line.startsWith("voluntary_ctxt_switches:") || line.startsWith("nonvoluntary_ctxt_switches:")) {
        switches += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
      }
    }
    return switches;
  }

  /** CPU seconds and context switches of one thread or group of threads. */
  record ThreadTimes(double cpuSeconds, long contextSwitches) {
    static final ThreadTimes NONE = new ThreadTimes(0, 0);

    ThreadTimes plus(ThreadTimes other) {
      return new ThreadTimes(cpuSeconds + other.cpuSeconds, contextSwitches + other.contextSwitches);
    }

    ThreadTimes minus(ThreadTimes earlier) {
      return new ThreadTimes(cpuSeconds - earlier.cpuSeconds, contextSwitches - earlier.contextSwitches);
    }
  }

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
