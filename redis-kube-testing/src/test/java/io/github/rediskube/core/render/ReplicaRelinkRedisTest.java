package io.github.rediskube.core.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.rediskube.core.RedisKube;
import io.github.rediskube.core.spec.PasswordGenerator;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.github.rediskube.testing.RedisNode;
import io.github.rediskube.testing.RedisTopology;
import io.lettuce.core.RedisClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data plane: a replica started from the rendered config follows the master pod's name; the master pod
 * dies the way pods die in a cluster (its IP goes away: no FIN, no RST, connects never answered) and comes
 * back under the same name on a new address. The replica must be linked again within 10 s of the master's
 * return, not after Redis' default 60 s repl-timeout.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReplicaRelinkRedisTest {

    private static final String PASSWORD = "relink-Password-0123456789";
    /** How long the master pod is gone: longer than repl-timeout, as a pod rescheduled elsewhere is. */
    private static final Duration MASTER_AWAY = Duration.ofSeconds(7);

    @Test
    void aReplicaReLinksWithinTenSecondsOfTheMasterComingBackOnANewAddress(@TempDir Path dir) throws Exception {
        RedisReplicationSpec spec = RedisKube.replication("orders").replicas(0)
                .passwordGenerator(PasswordGenerator.fixed(PASSWORD)).resources(r -> r.memoryLimit("64Mi")).build();
        RedisClient client = RedisClient.create();
        try (RedisTopology before = RedisTopology.start(spec, dir.resolve("before"));
             DeadAddressRelay masterName = new DeadAddressRelay(before.master().port())) {
            RedisNode replica = before.addReplicaFollowing(masterName.port());
            before.master().call(client, c -> c.set("k", "old"));
            awaitValue(client, replica, "k", "old", Duration.ofSeconds(20));

            masterName.die();
            before.master().kill();
            Thread.sleep(MASTER_AWAY.toMillis());   // the scenario: the pod is away this long
            try (RedisTopology after = RedisTopology.start(spec, dir.resolve("after"))) {
                masterName.moveTo(after.master().port());
                long back = System.nanoTime();
                after.master().call(client, c -> c.set("k", "new"));

                awaitValue(client, replica, "k", "new", Duration.ofSeconds(40));
                long relinked = (System.nanoTime() - back) / 1_000_000;
                System.out.printf("replica linked again %d ms after the master came back (away %d s)%n",
                        relinked, MASTER_AWAY.toSeconds());

                assertThat(relinked).as("ms from the master's return to the replica holding its data; log:%n%s",
                        replica.log()).isLessThanOrEqualTo(10_000);
                assertThat(replica.log()).containsAnyOf("MASTER timeout", "Timeout connecting to the MASTER");
                String info = replica.call(client, c -> c.info("replication"));
                assertThat(info).contains("master_link_status:up");
            }
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    private static void awaitValue(RedisClient client, RedisNode replica, String key, String value, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!value.equals(replica.call(client, c -> c.get(key)))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("replica never got " + key + "=" + value + " within " + timeout
                        + "; its log:\n" + replica.log());
            }
            Thread.sleep(50);
        }
    }
}
