package io.muster.lifecycle.fleet;

import java.time.Duration;
import java.util.List;

/**
 * The queue the lifecycle notifications arrive on (SQS in production, {@code aws}'s {@code
 * SqsActionQueue}). At-least-once: a message comes back after its visibility timeout until it is
 * deleted, and may come twice.
 */
public interface ActionQueue {

  /**
   * One received message.
   *
   * @param receiptHandle what delete and visibility changes need (changes with every receive)
   * @param receiveCount how often it has been received, this time included
   */
  record Message(String id, String receiptHandle, String body, int receiveCount) {
    @Override
    public String toString() {
      return "message " + id;
    }
  }

  /**
   * Up to {@code max} messages, waiting up to {@code wait} for the first; hidden for {@code
   * visibility}.
   */
  List<Message> receive(int max, Duration wait, Duration visibility);

  /** Removes the message for good. */
  void delete(Message m);

  /** Hides the message for {@code visibility} from now (0: visible again at once). */
  void changeVisibility(Message m, Duration visibility);

  /**
   * Moves the message to the dead-letter queue with {@code reason}, then deletes it here.
   *
   * @return false when no dead-letter queue is configured (the message stays, for the queue's own
   *     redrive policy)
   */
  boolean deadLetter(Message m, String reason);

  /** For messages: the queue URL. */
  String describe();
}
