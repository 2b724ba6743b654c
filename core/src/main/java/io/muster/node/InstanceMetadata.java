package io.muster.node;

import io.muster.config.Settings;
import java.io.IOException;
import java.time.Clock;
import java.util.Optional;
import java.util.ServiceLoader;

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

  /**
   * Opens the instance metadata service that the settings describe. The EC2 client lives in the aws
   * module and is found as a {@link ServiceLoader} service, so the agent reaches AWS's metadata
   * through this seam instead of naming the client.
   */
  interface Source {
    InstanceMetadata open(Settings settings, Clock clock);

    /**
     * The source on the class path; without one, a service that fails every read saying which
     * module is missing (the identity resolver then asks for node.instance-id and node.address).
     */
    static Source installed() {
      return ServiceLoader.load(Source.class)
          .findFirst()
          .orElse(
              (settings, clock) ->
                  new InstanceMetadata() {
                    @Override
                    public Optional<String> get(String path) throws IOException {
                      throw new IOException(
                          "no instance metadata client on the class path (muster's aws module)");
                    }

                    @Override
                    public String endpoint() {
                      return "none";
                    }
                  });
    }
  }
}
