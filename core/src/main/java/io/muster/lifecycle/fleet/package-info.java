/**
 * The fleet controller's logic ({@code muster lifecycle}): the lifecycle notifications a queue
 * carries, parsed from all three shapes ({@link NotificationParser}); the pure per-action decision
 * ({@link ActionDecisions}); the record of each action in the credential store that makes acting
 * once survive restarts and several controllers ({@link ActionClaims}); and the handling of one
 * message through seams ({@link MessageHandler}: {@link ActionQueue}, {@link
 * io.muster.lifecycle.LifecycleActions}, {@link io.muster.process.ProcessRunner}, the member
 * remover). The SQS implementation of the queue lives in {@code aws}, the daemon loop in {@code
 * agent}.
 */
package io.muster.lifecycle.fleet;
