/**
 * The seam through which the protocol's effects are observed: calls to discovery, the store and the
 * adapter, and lifecycle actions, reported to a {@link io.muster.telemetry.Telemetry} that the
 * agent implements with its metrics and its live status. JDK-only like the rest of core, so that
 * core and the plugins never see a metrics library; the decorators here wrap any SPI
 * implementation, so a plugin needs no code of its own to be measured.
 */
package io.muster.telemetry;
