package dev.minutes.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS to Redis: whether the Sentinels and Cluster nodes are reached over TLS ({@code REDIS_TLS};
 * one server says so with {@code rediss://}), and the certificate authorities to trust instead of
 * the JVM's ({@code REDIS_TLS_CA}, a PEM file; null: the JVM's).
 */
public record RedisTls(boolean enabled, Path ca) {

  public static final RedisTls NONE = new RedisTls(false, null);

  /**
   * Trust for {@link #ca}, read now so that a file that is missing or holds no certificate fails
   * the start, naming it.
   *
   * @throws IllegalArgumentException saying what is wrong with the file
   */
  public TrustManagerFactory trust() {
    try (InputStream pem = Files.newInputStream(ca)) {
      Collection<? extends Certificate> certificates =
          CertificateFactory.getInstance("X.509").generateCertificates(pem);
      if (certificates.isEmpty()) {
        throw new IllegalArgumentException(ca + " holds no PEM certificate");
      }
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int n = 0;
      for (Certificate certificate : certificates) {
        store.setCertificateEntry("redis-ca-" + n++, certificate);
      }
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
      return trust;
    } catch (java.nio.file.NoSuchFileException e) {
      throw new IllegalArgumentException(ca + " does not exist");
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read " + ca + " (" + e.getClass().getSimpleName() + ")");
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(ca + " is not a PEM certificate: " + e.getMessage());
    }
  }
}
