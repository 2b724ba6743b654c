package io.muster.adapter.ejabberd;

import io.muster.adapter.AdapterException;
import io.muster.credentials.Secret;
import java.util.Optional;

/** The Erlang cookie file ejabberd reads at start. */
interface CookieFile {

  /** The cookie now in the file, or empty when there is no file yet. */
  Optional<Secret> read() throws AdapterException;

  /** Replaces the file atomically with {@code cookie} (owner and mode applied before the move). */
  void write(Secret cookie) throws AdapterException;

  /** For messages: the path, owner and mode. */
  String describe();
}
