package io.muster.aws.sqs;

import io.muster.aws.AwsClients;
import io.muster.aws.AwsErrors;
import io.muster.lifecycle.fleet.ActionQueue;
import io.muster.lifecycle.fleet.QueueException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;

/**
 * The fleet controller's queue on SQS (the SDK client from {@link AwsClients}): {@code
 * ReceiveMessage} (long poll, visibility per receive), {@code DeleteMessage}, {@code
 * ChangeMessageVisibility}, and {@code SendMessage} to the dead-letter queue with the reason as the
 * message attribute {@code muster-error}.
 */
public final class SqsActionQueue implements ActionQueue {
  public static final String RECEIVE = "sqs:ReceiveMessage";
  public static final String DELETE = "sqs:DeleteMessage";
  public static final String CHANGE_VISIBILITY = "sqs:ChangeMessageVisibility";
  public static final String SEND = "sqs:SendMessage";

  /** SQS hides a message for at most 12 hours. */
  private static final Duration MAX_VISIBILITY = Duration.ofHours(12);

  /** Message attribute values are bounded; reasons are short, the bound keeps a hostile one so. */
  private static final int MAX_REASON = 1000;

  private final Supplier<SqsClient> sqs;
  private final String queueUrl;
  private final Optional<String> deadLetterQueueUrl;

  /** The client is obtained on first use, so building this never touches AWS. */
  public SqsActionQueue(
      Supplier<SqsClient> sqs, String queueUrl, Optional<String> deadLetterQueueUrl) {
    this.sqs = sqs;
    this.queueUrl = queueUrl;
    this.deadLetterQueueUrl = deadLetterQueueUrl;
  }

  @Override
  public List<Message> receive(int max, Duration wait, Duration visibility) {
    try {
      ReceiveMessageResponse r =
          sqs.get()
              .receiveMessage(
                  b ->
                      b.queueUrl(queueUrl)
                          .maxNumberOfMessages(max)
                          .waitTimeSeconds((int) wait.toSeconds())
                          .visibilityTimeout(seconds(visibility))
                          .messageSystemAttributeNames(
                              MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT));
      return r.messages().stream()
          .map(
              m ->
                  new Message(
                      m.messageId(),
                      m.receiptHandle(),
                      m.body(),
                      receiveCount(
                          m.attributes()
                              .get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT))))
          .toList();
    } catch (RuntimeException e) {
      throw failed(RECEIVE, queueUrl, e);
    }
  }

  @Override
  public void delete(Message m) {
    try {
      sqs.get().deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
    } catch (RuntimeException e) {
      throw failed(DELETE, queueUrl, e);
    }
  }

  @Override
  public void changeVisibility(Message m, Duration visibility) {
    try {
      sqs.get()
          .changeMessageVisibility(
              b ->
                  b.queueUrl(queueUrl)
                      .receiptHandle(m.receiptHandle())
                      .visibilityTimeout(seconds(visibility)));
    } catch (RuntimeException e) {
      throw failed(CHANGE_VISIBILITY, queueUrl, e);
    }
  }

  @Override
  public boolean deadLetter(Message m, String reason) {
    if (deadLetterQueueUrl.isEmpty()) {
      return false;
    }
    String dlq = deadLetterQueueUrl.get();
    String bounded = reason.length() <= MAX_REASON ? reason : reason.substring(0, MAX_REASON);
    try {
      sqs.get()
          .sendMessage(
              b ->
                  b.queueUrl(dlq)
                      .messageBody(m.body().isEmpty() ? "(empty)" : m.body())
                      .messageAttributes(
                          Map.of(
                              "muster-error", text(bounded),
                              "muster-source-queue", text(queueUrl),
                              "muster-source-message-id", text(m.id()))));
    } catch (RuntimeException e) {
      throw failed(SEND, dlq, e);
    }
    delete(m);
    return true;
  }

  @Override
  public String describe() {
    return queueUrl;
  }

  private static MessageAttributeValue text(String value) {
    return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
  }

  private static int seconds(Duration d) {
    Duration capped = d.compareTo(MAX_VISIBILITY) > 0 ? MAX_VISIBILITY : d;
    return (int) Math.max(0, capped.toSeconds());
  }

  private static int receiveCount(String s) {
    try {
      return s == null ? 1 : Integer.parseInt(s);
    } catch (NumberFormatException e) {
      return 1;
    }
  }

  private static QueueException failed(String action, String queue, RuntimeException e) {
    return new QueueException(AwsErrors.explain(action, e) + " (queue " + queue + ")", e);
  }
}
