package io.muster.agent.fleet;

import java.net.URI;
import java.util.Map;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** ElasticMQ, a real SQS-compatible server, embedded on an ephemeral loopback port. */
final class ElasticMq implements AutoCloseable {
  private final SQSRestServer server;
  private final int port;

  ElasticMq() {
    server = SQSRestServerBuilder.withInterface("127.0.0.1").withDynamicPort().start();
    port = server.waitUntilStarted().localAddress().getPort();
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** Creates a standard queue and returns its URL on this server. */
  String queue(SqsClient sqs, String name, Map<QueueAttributeName, String> attributes) {
    sqs.createQueue(b -> b.queueName(name).attributes(attributes));
    return endpoint() + "/000000000000/" + name;
  }

  @Override
  public void close() {
    server.stopAndWait();
  }
}
