package dev.minutes.app;

import java.nio.file.Path;

/**
 * Started in a child JVM by {@link EmbeddedRedisExitTest}: starts an embedded Redis, reports its
 * port, and lets the JVM exit normally without calling {@link EmbeddedRedis#stop()}.
 */
public final class EmbeddedRedisExitProbe {

  static final String PORT_LINE = "EMBEDDED-REDIS-PORT ";

  private EmbeddedRedisExitProbe() {}

  public static void main(String[] args) {
    EmbeddedRedis redis = EmbeddedRedis.start(Path.of(args[0]));
    System.out.println(PORT_LINE + redis.port());
    System.out.flush();
  }
}
