package dev.minutes.publish;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What the publish module needs of the node's configuration (read and checked by the app's config
 * loader, documented in the README's settings table).
 *
 * @param folder folder publish target directory; empty disables the folder target
 * @param webhookUrl webhook publish target; empty disables it
 * @param webhookSecrets {@code whsec_} secrets; each one signs
 * @param retry retry schedule of publish deliveries
 * @param webhookTimeout connect and response timeout of one webhook attempt
 * @param publishedUrl where the docs site shows published minutes; empty: no links
 */
public record PublishSettings(
    Optional<Path> folder,
    Optional<URI> webhookUrl,
    List<String> webhookSecrets,
    RetrySchedule retry,
    Duration webhookTimeout,
    Optional<PublishedUrl> publishedUrl) {

  /**
   * Publish retry schedule: exponential from {@code initial} up to {@code max} per wait, giving up
   * after {@code giveUpAfter}.
   */
  public record RetrySchedule(Duration initial, Duration max, Duration giveUpAfter) {}
}
