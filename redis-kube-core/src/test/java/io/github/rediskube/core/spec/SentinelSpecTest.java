package io.github.rediskube.core.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.rediskube.core.RedisKube;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Sentinel settings: defaults, and bad input refused at build() with field, value, rule and fix. */
class SentinelSpecTest {

    private static RedisReplicationSpec.Builder valid() {
        return RedisKube.replication("orders").passwordGenerator(PasswordGenerator.fixed("0123456789abcdefABCDEF"));
    }

    private static Arguments row(String description, UnaryOperator<RedisReplicationSpec.Builder> change,
                                 String... expectedFragments) {
        return Arguments.of(description, change, List.of(expectedFragments));
    }

    static Stream<Arguments> badSentinelSpecs() {
        return Stream.of(
                row("even number of Sentinels", b -> b.sentinel(s -> s.sentinels(4)),
                        "sentinel.sentinels must be odd and between 3 and 7", "was 4", "sentinels(3)"),
                row("a single Sentinel", b -> b.sentinel(s -> s.sentinels(1)), "sentinel.sentinels", "was 1"),
                row("too many Sentinels", b -> b.sentinel(s -> s.sentinels(9)), "sentinel.sentinels", "was 9"),
                row("quorum zero", b -> b.sentinel(s -> s.quorum(0)), "sentinel.quorum", "was 0",
                        "between 1 and the number of Sentinels (3)", "majority (2)"),
                row("quorum above the Sentinels", b -> b.sentinel(s -> s.quorum(4)), "sentinel.quorum", "was 4"),
                row("down-after too short", b -> b.sentinel(s -> s.downAfter(Duration.ofMillis(50))),
                        "sentinel.downAfter", "PT0.05S", "between 100 ms and 1 h"),
                row("down-after missing", b -> b.sentinel(s -> s.downAfter(null)), "sentinel.downAfter", "is required"),
                row("failover timeout too short", b -> b.sentinel(s -> s.failoverTimeout(Duration.ofMillis(10))),
                        "sentinel.failoverTimeout", "at least 1 s"),
                row("no replica to promote", b -> b.replicas(0).sentinel(s -> { }),
                        "replicas must be at least 1 with Sentinel", "was 0", "n >= 1"),
                row("parallel syncs zero", b -> b.sentinel(s -> s.parallelSyncs(0)), "sentinel.parallelSyncs",
                        "was 0"),
                row("min-replicas-to-write above replicas", b -> b.replicas(2).sentinel(s -> s.minReplicasToWrite(3)),
                        "sentinel.minReplicasToWrite", "was 3", "between 0 and replicas (2)",
                        "refuses every write"),
                row("min-replicas-max-lag not whole seconds",
                        b -> b.sentinel(s -> s.minReplicasMaxLag(Duration.ofMillis(1500))),
                        "sentinel.minReplicasMaxLag", "whole seconds"),
                row("blank labeler image", b -> b.sentinel(s -> s.labelerImage(" ")), "sentinel.labelerImage",
                        "non-empty"),
                row("durability directive given as config", b -> b.config("min-replicas-to-write", "1")
                        .sentinel(s -> { }), "config directive", "\"min-replicas-to-write\"",
                        "owned by redis-kube when Sentinel is on", "minReplicasToWrite"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badSentinelSpecs")
    void badSentinelInputIsRefusedAtBuild(String description, UnaryOperator<RedisReplicationSpec.Builder> change,
                                          List<String> expectedFragments) {
        IllegalArgumentException error = catchThrowableOfType(IllegalArgumentException.class,
                change.apply(valid())::build);

        assertThat(error).as(description + " must be refused").isNotNull();
        assertThat(error.getMessage()).startsWith("Invalid RedisReplicationSpec").contains(expectedFragments);
    }

    @Test
    void sentinelIsOffByDefaultAndOnWithDefaults() {
        assertThat(valid().build().sentinel()).isNull();

        SentinelSpec sentinel = valid().sentinel(s -> { }).build().sentinel();

        assertThat(sentinel).isEqualTo(SentinelSpec.DEFAULT);
        assertThat(sentinel.sentinels()).isEqualTo(3);
        assertThat(sentinel.quorum()).isEqualTo(2);
        assertThat(sentinel.downAfter()).isEqualTo(Duration.ofSeconds(5));
        assertThat(sentinel.minReplicasToWrite()).as("a master alone refuses writes by default").isEqualTo(1);
        assertThat(sentinel.minReplicasMaxLag()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void quorumDefaultsToTheMajorityAndFollowsTheSentinelCount() {
        RedisReplicationSpec three = valid().sentinel(s -> s.sentinels(3)).build();
        RedisReplicationSpec five = three.toBuilder().sentinel(s -> s.sentinels(5)).build();
        RedisReplicationSpec explicit = valid().sentinel(s -> s.sentinels(5).quorum(2)).build();

        assertThat(three.sentinel().quorum()).isEqualTo(2);
        assertThat(five.sentinel().quorum()).isEqualTo(3);
        assertThat(explicit.toBuilder().sentinel(s -> s.sentinels(7)).build().sentinel().quorum()).isEqualTo(2);
    }

    @Test
    void sentinelCanBeTurnedOffAgain() {
        RedisReplicationSpec on = valid().sentinel(s -> { }).build();

        assertThat(on.toBuilder().sentinel((SentinelSpec) null).build().sentinelEnabled()).isFalse();
        assertThat(on.toBuilder().build()).isEqualTo(on);
    }

    @Test
    void boundaryValuesAreAccepted() {
        RedisReplicationSpec spec = valid().replicas(1).sentinel(s -> s.sentinels(7).quorum(7)
                .downAfter(Duration.ofMillis(100)).failoverTimeout(Duration.ofSeconds(1)).parallelSyncs(1)
                .minReplicasToWrite(1).minReplicasMaxLag(Duration.ofSeconds(1))).build();

        assertThat(spec.sentinel().sentinels()).isEqualTo(7);
    }
}
