package io.github.rediskube.client;

import io.lettuce.core.RedisClient;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The data-plane tests' Lettuce client: the recommended options and a constant, short reconnect delay (so a
 * server coming back is seen at once), made before each test and shut down after it.
 *
 * <pre>{@code
 * @RegisterExtension
 * final TestClients clients = TestClients.reconnectingEvery(Duration.ofMillis(100));
 * }</pre>
 */
final class TestClients implements BeforeEachCallback, AfterEachCallback {

    private final Duration reconnectDelay;
    private ClientResources resources;
    private RedisClient client;

    private TestClients(Duration reconnectDelay) {
        this.reconnectDelay = reconnectDelay;
    }

    static TestClients reconnectingEvery(Duration reconnectDelay) {
        return new TestClients(reconnectDelay);
    }

    /** @return this test's client */
    RedisClient client() {
        return client;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        resources = ClientResources.builder().reconnectDelay(Delay.constant(reconnectDelay)).build();
        client = RedisClient.create(resources);
        client.setOptions(RedisKubeConnections.recommendedClientOptions());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
}
