package io.muster.node;

import java.io.IOException;
import java.util.Optional;

/** The instance metadata service, reduced to what muster reads. */
public interface InstanceMetadata {
  /**
   * GETs {@code /latest/meta-data/<path>}.
   *
   * @return the body, or empty on 404 (the item does not exist on this instance)
   * @throws IOException when the service does not answer (not on EC2) or refuses the token
   */
  Optional<String> get(String path) throws IOException;

  /** Where it is, for messages. */
  String endpoint();
}
