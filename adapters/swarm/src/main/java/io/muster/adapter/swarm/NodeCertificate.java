package io.muster.adapter.swarm;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * Which swarm a node belongs to, from its swarm node certificate. The engine only shows the swarm's
 * id to managers ({@code GET /info} has no {@code Swarm.Cluster} on a worker), but every node's
 * certificate, issued by the swarm's CA, names it: subject {@code O=<cluster id>,
 * OU=swarm-worker|swarm-manager, CN=<node id>}. The file is {@code
 * <DockerRootDir>/swarm/certificates/swarm-node.crt}, readable by root.
 */
@FunctionalInterface
public interface NodeCertificate {

  /** The cluster id in the node certificate under this engine root, or empty if unreadable. */
  Optional<String> clusterId(String dockerRootDir);

  /** Reads the real file. */
  NodeCertificate FILE =
      root -> {
        if (root == null || root.isEmpty()) {
          return Optional.empty();
        }
        Path crt = Path.of(root, "swarm", "certificates", "swarm-node.crt");
        try (InputStream in = Files.newInputStream(crt)) {
          return organization(in);
        } catch (IOException | RuntimeException e) {
          return Optional.empty();
        }
      };

  /** The subject's O field of the first PEM or DER certificate in the stream. */
  static Optional<String> organization(InputStream certificate) {
    try {
      X509Certificate c =
          (X509Certificate)
              CertificateFactory.getInstance("X.509").generateCertificate(certificate);
      return subjectField(c, "O");
    } catch (GeneralSecurityException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The subject's {@code type} field (O, OU, CN), if present. */
  static Optional<String> subjectField(X509Certificate c, String type) {
    try {
      for (Rdn rdn : new LdapName(c.getSubjectX500Principal().getName()).getRdns()) {
        if (rdn.getType().equalsIgnoreCase(type)) {
          return Optional.of(rdn.getValue().toString());
        }
      }
      return Optional.empty();
    } catch (InvalidNameException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
