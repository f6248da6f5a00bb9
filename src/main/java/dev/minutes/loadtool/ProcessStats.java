package dev.minutes.loadtool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time and resident memory of a process from Linux' /proc, so the tool can report the server's
 * cost and its own (a saturated load tool must never pass for a slow server).
 */
final class ProcessStats {
  /** USER_HZ: the unit of utime/stime in /proc/PID/stat; 100 on every Linux build in practice. */
  private static final double TICKS_PER_SECOND = 100.0;

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
    String stat = read("stat");
    // Field 2 (comm) may contain spaces; the fields after its closing parenthesis are fixed.
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
    long utime = Long.parseLong(fields[11]);
    long stime = Long.parseLong(fields[12]);
    return (utime + stime) / TICKS_PER_SECOND;
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
