package io.github.rediskube.core.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.rediskube.core.RedisKube;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Bad input is refused at build() with a message naming the field, the value, the rule and the fix. */
class SpecValidationTest {

    private static final PasswordGenerator FIXED = PasswordGenerator.fixed("0123456789abcdefABCDEF");

    private static RedisReplicationSpec.Builder valid(String name) {
        return RedisKube.replication(name).passwordGenerator(FIXED);
    }

    private static Arguments row(String description, String name, UnaryOperator<RedisReplicationSpec.Builder> change,
                                 String... expectedFragments) {
        return Arguments.of(description, name, change, List.of(expectedFragments));
    }

    static Stream<Arguments> badSpecs() {
        return Stream.of(
                row("upper-case name", "Orders", b -> b, "name", "\"Orders\"", "DNS-1035", "use e.g. \"orders\""),
                row("name with underscore", "my_cache", b -> b, "name", "\"my_cache\"", "DNS-1035", "\"my-cache\""),
                row("name starting with a digit", "1cache", b -> b, "name", "\"1cache\"", "starting with a letter"),
                row("name ending with a dash", "cache-", b -> b, "name", "\"cache-\"", "ending with a letter or digit"),
                row("empty name", "", b -> b, "name", "is required", "RedisKube.replication"),
                row("null name", null, b -> b, "name", "is required"),
                row("too long name", "a".repeat(41), b -> b, "name", "at most 40 characters", "use a shorter name"),
                row("bad namespace", "orders", b -> b.namespace("Tenant_A"), "namespace", "\"Tenant_A\"", "DNS-1123"),
                row("negative replicas", "orders", b -> b.replicas(-1), "replicas must be between 0 and 32, was -1",
                        "set replicas(n) with 0 <= n <= 32"),
                row("absurd replicas", "orders", b -> b.replicas(1000), "replicas", "was 1000", "0 <= n <= 32"),
                row("unparsable memory", "orders", b -> b.master(n -> n.memoryLimit("4 gigs")),
                        "master.memoryLimit", "\"4 gigs\"", "positive Kubernetes quantity", "\"4096M\""),
                row("zero memory", "orders", b -> b.master(n -> n.memoryLimit("0")),
                        "master.memoryLimit", "was \"0\"", "positive"),
                row("zero cpu", "orders", b -> b.master(n -> n.cpuLimit("0m")), "master.cpuLimit", "\"0m\"", "positive"),
                row("missing memory limit", "orders", b -> b.replica(n -> n.memoryLimit(null)),
                        "replica.memoryLimit", "is required"),
                row("memory request above limit", "orders", b -> b.master(n -> n.memoryRequest("2Gi").memoryLimit("1Gi")),
                        "master.memoryRequest", "\"2Gi\"", "must not exceed memoryLimit \"1Gi\"", "raise memoryLimit"),
                row("cpu request above limit", "orders", b -> b.replica(n -> n.cpuRequest("2").cpuLimit("500m")),
                        "replica.cpuRequest", "\"2\"", "must not exceed cpuLimit \"500m\""),
                row("replica smaller than master", "orders", b -> b.master(n -> n.memoryLimit("1Gi"))
                                .replica(n -> n.memoryLimit("512Mi")),
                        "replica.memoryLimit", "\"512Mi\"", "at least master.memoryLimit \"1Gi\"", "OOM"),
                row("maxmemory above the limit", "orders", b -> b.master(n -> n.memoryLimit("1Gi")).maxmemory("2Gi"),
                        "maxmemory", "\"2Gi\"", "must leave at least 5 % of master.memoryLimit \"1Gi\" free",
                        "lower maxmemory"),
                row("maxmemory equal to the limit", "orders", b -> b.resources(n -> n.memoryLimit("1Gi"))
                                .maxmemory("1Gi"), "maxmemory", "\"1Gi\"", "at least 5 % of replica.memoryLimit",
                        "fork copy-on-write", "raise replica.memoryLimit"),
                row("replica output buffer set in the config", "orders",
                        b -> b.config("client-output-buffer-limit", "replica 0 0 0"),
                        "config[client-output-buffer-limit]", "\"replica 0 0 0\"", "owned by redis-kube",
                        "normal or pubsub class"),
                row("backlog set in the config", "orders", b -> b.config("repl-backlog-size", "1gb"),
                        "config directive", "\"repl-backlog-size\"", "owned by redis-kube"),
                row("Sentinel replicas larger than the master", "orders", b -> b.sentinel(x -> { })
                                .master(n -> n.memoryLimit("1Gi")).replica(n -> n.memoryLimit("2Gi")),
                        "replica.memoryLimit", "\"2Gi\"", "must equal the master's memoryLimit \"1Gi\" with Sentinel",
                        "resources(r -> r.memoryLimit(..))"),
                row("Sentinel replicas with another cpu", "orders", b -> b.sentinel(x -> { })
                                .replica(n -> n.cpuRequest("2")),
                        "replica.cpuRequest", "\"2\"", "must equal the master's cpuRequest \"100m\"",
                        "leave replica(..) unset"),
                row("unparsable maxmemory", "orders", b -> b.maxmemory("lots"), "maxmemory", "\"lots\"", "quantity"),
                row("maxmemory share of 1", "orders", b -> b.maxmemoryShare(1.0), "maxmemoryShare", "was 1.0",
                        "between 0.05 and 0.95", "maxmemoryShare(0.75)"),
                row("maxmemory share of 0", "orders", b -> b.maxmemoryShare(0), "maxmemoryShare", "was 0.0"),
                row("node port below range", "orders", b -> b.exposeNodePorts(8080, 32380),
                        "exposure.masterNodePort", "was 8080", "30000-32767"),
                row("node port above range", "orders", b -> b.exposeNodePorts(32379, 40000),
                        "exposure.replicaNodePort", "was 40000", "30000-32767"),
                row("equal node ports", "orders", b -> b.exposeNodePorts(32379, 32379),
                        "exposure.replicaNodePort must differ", "32379", "nodePorts(32379, 32380)"),
                row("node ports on a ClusterIP", "orders", b -> b.exposure(new Exposure(Exposure.Type.CLUSTER_IP, 32379,
                        null)), "exposure", "may only fix node ports with type NODE_PORT"),
                row("storage options in cache mode", "orders", b -> b.storage("10Gi").mode(Mode.CACHE),
                        "storage", "must be empty in CACHE mode", "mode(Mode.STORAGE)"),
                row("bad storage size", "orders", b -> b.storage("ten gigs"), "storage.size", "\"ten gigs\"",
                        "size(\"10Gi\")"),
                row("tiny storage", "orders", b -> b.storage("1Mi"), "storage.size", "\"1Mi\"", "at least 64Mi"),
                row("shared access mode", "orders", b -> b.storage(s -> s.accessMode("ReadWriteMany")),
                        "storage.accessMode", "\"ReadWriteMany\"", "ReadWriteOnce"),
                row("bad storage class", "orders", b -> b.storage(s -> s.storageClass("Fast SSD")),
                        "storage.storageClass", "\"Fast SSD\""),
                row("owned directive", "orders", b -> b.config("maxmemory", "1gb"),
                        "config directive", "\"maxmemory\"", "owned by redis-kube", "spec's own setting"),
                row("owned directive in capitals", "orders", b -> b.config("REQUIREPASS", "x"),
                        "config directive", "\"REQUIREPASS\"", "owned"),
                row("replicaof directive", "orders", b -> b.config("replicaof", "evil 6379"), "\"replicaof\"", "owned"),
                row("dangerous dir", "orders", b -> b.config("dir", "/tmp"), "\"dir\"", "owned"),
                row("dangerous dbfilename", "orders", b -> b.config("dbfilename", "x.rdb"), "\"dbfilename\"",
                        "refused", "remove it"),
                row("dangerous loadmodule", "orders", b -> b.config("loadmodule", "/x.so"), "\"loadmodule\"", "load code"),
                row("dangerous rename-command", "orders", b -> b.config("rename-command", "FLUSHALL \"\""),
                        "\"rename-command\"", "refused"),
                row("ACL user directive", "orders", b -> b.config("user", "admin on nopass ~* &* +@all"),
                        "\"user\"", "ACL users", "managed password", "auth(...)"),
                row("ACL file directive", "orders", b -> b.config("aclfile", "/data/users.acl"), "\"aclfile\"",
                        "refused"),
                row("multi-line directive value", "orders", b -> b.config("hz", "10\nreplicaof evil 6379"),
                        "config[hz]", "single-line"),
                row("directive with a space", "orders", b -> b.config("hz 10", "x"), "config directive", "\"hz 10\""),
                row("auth off on a NodePort", "orders", b -> b.exposeNodePorts(32379, 32380).auth(Auth.disabled()),
                        "auth must be enabled when exposure is NODE_PORT", "open to anyone", "Auth.generated()"),
                row("auth off on a LoadBalancer", "orders", b -> b.exposeLoadBalancer().auth(Auth.disabled()),
                        "auth must be enabled when exposure is LOAD_BALANCER"),
                row("bad secret reference", "orders", b -> b.auth(Auth.fromSecret("My Secret", "")),
                        "auth.secretName", "\"My Secret\"", "auth.secretKey", "was \"\""),
                row("weak generated password", "orders", b -> b.passwordGenerator(PasswordGenerator.fixed("short")),
                        "auth.password", "<5 characters>", "16 to 512", "PasswordGenerator"),
                row("empty image", "orders", b -> b.image(""), "image", "was \"\"", "non-empty", "redis:7.2.11"),
                row("blank image", "orders", b -> b.image("  "), "image", "non-empty"),
                row("bad pull policy", "orders", b -> b.imagePullPolicy("Sometimes"), "imagePullPolicy",
                        "\"Sometimes\"", "Always, IfNotPresent, Never"),
                row("root image uid", "orders", b -> b.image(Image.DEFAULT.withReference("redis:7.2.11")
                        .withUid(0)), "image.uid", "was 0", "non-root"),
                row("bad eviction policy", "orders", b -> b.evictionPolicy("lru"), "evictionPolicy", "\"lru\"",
                        "allkeys-lru"),
                row("owned label", "orders", b -> b.label("app.kubernetes.io/instance", "other"),
                        "label key", "\"app.kubernetes.io/instance\"", "set by redis-kube"),
                row("bad label value", "orders", b -> b.label("team", "a b"), "labels[team]", "\"a b\""),
                row("bad label key", "orders", b -> b.label("-team", "a"), "label key", "\"-team\""),
                row("bad annotation key", "orders", b -> b.annotation("a b", "x"), "annotation key", "\"a b\""),
                row("bad namespace access", "orders", b -> b.networkAccess(NetworkAccess.clientsOnly()
                        .withNamespaces("Ops")), "networkAccess.namespaces", "\"Ops\""),
                row("bad cidr", "orders", b -> b.networkAccess(NetworkAccess.clientsOnly().withCidrs("10.0.0.300/8")),
                        "networkAccess.cidrs", "\"10.0.0.300/8\"", "withCidrs"),
                row("bad toleration", "orders", b -> b.toleration(new Toleration("k", "Maybe", "v", "NoSchedule")),
                        "tolerations[0].operator", "\"Maybe\"", "Equal or Exists"),
                row("toleration value with Exists", "orders", b -> b.toleration(new Toleration("k", "Exists", "v", null)),
                        "tolerations[0].value", "must be empty with operator Exists"),
                row("bad toleration effect", "orders", b -> b.toleration(Toleration.exists("k", "Never")),
                        "tolerations[0].effect", "\"Never\""),
                row("bad node selector", "orders", b -> b.nodeSelector("disk type", "ssd"), "nodeSelector key",
                        "\"disk type\""),
                row("bad cluster domain", "orders", b -> b.clusterDomain("Cluster Local"), "clusterDomain",
                        "\"Cluster Local\""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badSpecs")
    void badInputIsRefusedAtBuildWithFieldValueRuleAndFix(String description, String name,
            UnaryOperator<RedisReplicationSpec.Builder> change, List<String> expectedFragments) {
        RedisReplicationSpec.Builder builder = change.apply(valid(name));

        IllegalArgumentException error = catchThrowableOfType(IllegalArgumentException.class, builder::build);

        assertThat(error).as(description + " must be refused").isNotNull();
        assertThat(error.getMessage()).startsWith("Invalid RedisReplicationSpec").contains(expectedFragments);
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        RedisReplicationSpec.Builder builder = valid("Orders").replicas(-3).image("").evictionPolicy("lru");

        assertThatThrownBy(builder::build)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("4 problems")
                .hasMessageContaining("name")
                .hasMessageContaining("replicas")
                .hasMessageContaining("image")
                .hasMessageContaining("evictionPolicy");
    }

    @Test
    void aRefusedBuildLeavesTheBuilderUsable() {
        RedisReplicationSpec.Builder builder = valid("orders").replicas(-1);
        assertThatThrownBy(builder::build).isInstanceOf(IllegalArgumentException.class);

        RedisReplicationSpec spec = builder.replicas(2).build();

        assertThat(spec.replicas()).isEqualTo(2);
    }

    @Test
    void recordsBuiltWithoutTheBuilderAreValidatedToo() {
        RedisReplicationSpec good = valid("orders").build();

        assertThatThrownBy(() -> new RedisReplicationSpec("orders", good.namespace(), good.labels(),
                good.annotations(), good.image(), 99, good.master(), good.replica(), good.maxmemoryShare(),
                good.maxmemory(), good.mode(), good.evictionPolicy(), good.storage(), good.exposure(), good.auth(),
                good.networkAccess(), good.redisConfig(), good.scheduling(), good.podDisruptionBudget(),
                good.clusterDomain()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("replicas must be between 0 and 32, was 99");
    }

    @Test
    void boundaryValuesAreAccepted() {
        RedisReplicationSpec spec = valid("a" + "b".repeat(39))
                .replicas(32)
                .maxmemoryShare(0.95)
                .exposeNodePorts(30000, 32767)
                .master(n -> n.memoryLimit("8Mi"))
                .build();

        assertThat(spec.name()).hasSize(40);
        assertThat(spec.replicas()).isEqualTo(32);
        assertThat(valid("orders").replicas(0).build().replicas()).isZero();
    }

    @Test
    void theGeneratedPasswordNeverShowsInToString() {
        RedisReplicationSpec spec = valid("orders").build();

        assertThat(spec.toString()).doesNotContain("0123456789abcdefABCDEF").contains("password=<hidden>");
    }
}
