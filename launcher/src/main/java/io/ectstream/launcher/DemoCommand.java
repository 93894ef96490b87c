package io.ectstream.launcher;

import io.ectstream.kafka.embedded.EmbeddedKafkaBroker;
import io.ectstream.schemas.topics.TopicNames;
import picocli.CommandLine.Command;

/** The README's first command: the whole platform on an embedded broker and the shipped dataset. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Train, serve and evaluate on an embedded Kafka broker and the built-in Fashion-MNIST subset.")
final class DemoCommand implements Runnable {

    @Override
    public void run() {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startTemporary()) {
            TopicNames topics = TopicNames.defaults();
            broker.createTopics(2, topics.checkpoints(), topics.trainProgress(), topics.generateRequests(),
                topics.generateResults(), topics.generateErrors(), topics.evalFid());
            System.out.println("embedded Kafka broker ready at " + broker.bootstrapServers() + " with the platform's topics");
            System.out.println("the training, serving and evaluation stages of the demo are not built yet");
        }
    }
}
