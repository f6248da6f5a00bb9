package dev.minutes.http;

import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.util.Optional;

/**
 * Where the page links the API hands out start: {@code MINUTES_PUBLIC_URL}, else the scheme and
 * host the client asked for (through a trusted load balancer, the scheme it forwards: a balancer
 * that terminates TLS talks plain HTTP to the node).
 */
record LinkBase(Optional<URI> publicUrl, TrustedProxies proxies) {

  String of(RoutingContext ctx) {
    return publicUrl
        .map(u -> u.toString().replaceAll("/+$", ""))
        .orElseGet(() -> proxies.schemeOf(ctx.request()) + "://" + ctx.request().authority());
  }
}
