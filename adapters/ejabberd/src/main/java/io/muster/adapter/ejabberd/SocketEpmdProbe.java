package io.muster.adapter.ejabberd;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** {@link EpmdProbe} over a plain TCP connection from this process. */
final class SocketEpmdProbe implements EpmdProbe {
  static final int EPMD_PORT = 4369;
  private final int port;
  private final Duration timeout;

  SocketEpmdProbe() {
    this(EPMD_PORT, Duration.ofSeconds(3));
  }

  SocketEpmdProbe(int port, Duration timeout) {
    this.port = port;
    this.timeout = timeout;
  }

  @Override
  public Optional<List<String>> names(String host) {
    int ms = (int) timeout.toMillis();
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), ms);
      s.setSoTimeout(ms);
      s.getOutputStream().write(EpmdProbe.namesRequest());
      s.getOutputStream().flush();
      // epmd answers and closes the connection.
      InputStream in = s.getInputStream();
      return Optional.of(EpmdProbe.parseNames(in.readAllBytes()));
    } catch (IOException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  @Override
  public boolean nothingListens(String host) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
      return false;
    } catch (ConnectException e) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
