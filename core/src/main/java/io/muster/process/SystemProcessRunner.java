package io.muster.process;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** Runs commands with {@link ProcessBuilder}; output is captured on background threads. */
public final class SystemProcessRunner implements ProcessRunner {

  @Override
  public ProcessResult run(Command command) throws CommandException {
    ProcessBuilder pb = new ProcessBuilder(command.argv());
    pb.environment().putAll(command.env());
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new CommandException(
          "could not run `"
              + command.display()
              + "`: "
              + e.getMessage()
              + " (is "
              + command.argv().get(0)
              + " installed and on PATH?)",
          e);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Thread o = pump(p.getInputStream(), out);
    Thread e = pump(p.getErrorStream(), err);
    try (OutputStream in = p.getOutputStream()) {
      if (command.stdin() != null) {
        in.write(command.stdin().getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException ignored) {
      // The process may exit without reading stdin.
    }
    try {
      if (!p.waitFor(command.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        throw new CommandException(
            "`"
                + command.display()
                + "` did not finish within "
                + command.timeout().toSeconds()
                + " s");
      }
      o.join(2000);
      e.join(2000);
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new CommandException("interrupted while running `" + command.display() + "`", ie);
    }
    return new ProcessResult(
        p.exitValue(), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static Thread pump(InputStream in, ByteArrayOutputStream sink) {
    Thread t =
        new Thread(
            () -> {
              try (in) {
                in.transferTo(sink);
              } catch (IOException ignored) {
                // Stream closed when the process died.
              }
            },
            "process-output");
    t.setDaemon(true);
    t.start();
    return t;
  }
}
