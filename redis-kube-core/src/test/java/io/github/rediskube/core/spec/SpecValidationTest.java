package io.github.rediskube.core.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.rediskube.core.RedisKube;
import java.lang.reflect.Modifier;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bad input is refused with a message naming the field, the value, the rule and the fix: one table of every
 * refused input, each row one input (a spec or tenant refused at build(), or a null argument refused at the call).
 */
class SpecValidationTest {

    private static final PasswordGenerator FIXED = PasswordGenerator.fixed("0123456789abcdefABCDEF");

    private static RedisReplicationSpec.Builder valid(String name) {
        return RedisKube.replication(name).passwordGenerator(FIXED);
    }

    /** A spec built from a valid one with one change: refused at build(). */
    private static Arguments row(String description, String name, UnaryOperator<RedisReplicationSpec.Builder> change,
                                 String... expectedFragments) {
        return Arguments.of(description, (ThrowingCallable) () -> change.apply(valid(name)).build(),
                "Invalid RedisReplicationSpec", List.of(expectedFragments));
    }

    /** A tenant: refused at build(). */
    private static Arguments tenant(String description, String namespace, UnaryOperator<TenantSpec.Builder> change,
                                    String... expectedFragments) {
        return Arguments.of(description, (ThrowingCallable) () -> change.apply(RedisKube.tenant(namespace)).build(),
                "Invalid TenantSpec", List.of(expectedFragments));
    }

    /** A null argument the library cannot even hold: refused at the call, naming the parameter. */
    private static Arguments call(String description, ThrowingCallable call, String... expectedFragments) {
        return Arguments.of(description, call, "", List.of(expectedFragments));
    }

    private static Map<String, String> withNullKey() {
        Map<String, String> map = new HashMap<>();
        map.put(null, "x");
        return map;
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
                        "maxmemory", "\"2Gi\"", "must not exceed 95% of master.memoryLimit \"1Gi\"", "lower maxmemory"),
                row("maxmemory equal to the limit", "orders", b -> b.master(n -> n.memoryLimit("1Gi")).maxmemory("1Gi"),
                        "maxmemory", "\"1Gi\"", "95% of master.memoryLimit \"1Gi\" (1020054732 bytes", "headroom"),
                row("memory limit of 1e30 bytes", "orders", b -> b.master(n -> n.memoryLimit("1e30")),
                        "master.memoryLimit", "\"1e30\"", "must be at most 64Ti", "memoryLimit(\"1Gi\")"),
                row("memory limit of 12Ei (past a long)", "orders", b -> b.resources(n -> n.memoryLimit("12Ei")),
                        "master.memoryLimit", "replica.memoryLimit", "\"12Ei\"", "at most 64Ti"),
                row("maxmemory of 1e19 bytes", "orders", b -> b.maxmemory("1e19"), "maxmemory", "\"1e19\"",
                        "must be at most 64Ti"),
                row("tiny maxmemory", "orders", b -> b.maxmemory("1k"), "maxmemory", "\"1k\"", "at least 1Mi"),
                row("memory request of 4 KiB", "orders", b -> b.master(n -> n.memoryRequest("4Ki")),
                        "master.memoryRequest", "\"4Ki\"", "at least 8Mi"),
                row("cpu limit of 1e30 cores", "orders", b -> b.master(n -> n.cpuLimit("1e30")), "master.cpuLimit",
                        "\"1e30\"", "at most 4096"),
                row("cpu request below 1m", "orders", b -> b.master(n -> n.cpuRequest("100u")), "master.cpuRequest",
                        "\"100u\"", "at least 1m"),
                row("volume of 1e30 bytes", "orders", b -> b.storage("1e30"), "storage.size", "\"1e30\"",
                        "at most 64Ti"),
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
                        "config[hz]", "control characters", "U+000A", "on one line"),
                row("another directive in a value", "orders", b -> b.config("hz", "20 replicaof evil 6379"),
                        "config[hz]", "\"20 replicaof evil 6379\"", "takes exactly 1 value", "given 4",
                        "wrong number of arguments"),
                row("a comment in a value", "orders", b -> b.config("hz", "20 # fast"), "config[hz]", "given 3"),
                row("vertical tab in a value", "orders", b -> b.config("hz", "20\u000b"), "config[hz]",
                        "control characters", "U+000B"),
                row("unbalanced quote", "orders", b -> b.config("hz", "\"20"), "config[hz]", "\"\"20\"",
                        "unbalanced quote", "close every quote"),
                row("closing quote glued to more", "orders", b -> b.config("hz", "'20'x"), "config[hz]",
                        "closing quote not followed by a space"),
                row("wrong count for a multi-value directive", "orders",
                        b -> b.config("client-output-buffer-limit", "pubsub 32mb 8mb"),
                        "config[client-output-buffer-limit]", "groups of 4 values", "given 3"),
                row("sentinel directive in redis.conf", "orders", b -> b.config("sentinel", "monitor m 10.0.0.1 6379 2"),
                        "config directive", "\"sentinel\"", "sentinel.conf", "sentinel(s ->"),
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
                row("upper-case image with a short digest", "orders", b -> b.image("Redis:7@sha256:zz"), "image",
                        "\"Redis:7@sha256:zz\"", "digest sha256:<64 lower-case hex digits>"),
                row("upper-case image", "orders", b -> b.image("Redis:7"), "image", "\"Redis:7\"",
                        "lower-case repository path", "image(\"redis:7.2.11\")"),
                row("image with colons for a tag", "orders", b -> b.image("redis:7:7::"), "image", "\"redis:7:7::\"",
                        "must be an image reference [registry[:port]/]path[:tag]"),
                row("image tag too long", "orders", b -> b.image("redis:" + "7".repeat(129)), "image",
                        "at most 128"),
                row("image digest of another algorithm", "orders", b -> b.image("redis@md5:" + "a".repeat(32)),
                        "image", "digest sha256"),
                row("labeler image malformed", "orders", b -> b.sentinel(s -> s.labelerImage("alpine/k8s:")),
                        "sentinel.labelerImage", "\"alpine/k8s:\"", "image reference"),
                row("blank image", "orders", b -> b.image("  "), "image", "non-empty"),
                row("metrics image malformed", "orders", b -> b.metrics(m -> m.image("oliver006/redis_exporter:")),
                        "metrics.image", "\"oliver006/redis_exporter:\"", "image reference",
                        "oliver006/redis_exporter:v1"),
                row("metrics port privileged", "orders", b -> b.metrics(m -> m.port(80)), "metrics.port", "was 80",
                        "between 1024 and 65535", "port(9121)"),
                row("metrics port above the range", "orders", b -> b.metrics(m -> m.port(70000)), "metrics.port",
                        "was 70000", "between 1024 and 65535"),
                row("metrics port clashes with Redis", "orders", b -> b.metrics(m -> m.port(6379)), "metrics.port",
                        "was 6379", "must differ from Redis' port 6379", "port(9121)"),
                row("metrics port clashes with Sentinel", "orders", b -> b.metrics(m -> m.port(26379)),
                        "metrics.port", "was 26379", "Sentinel's 26379"),
                row("zone spread skew of 0", "orders", b -> b.placement(p -> p.zoneSpread(0)),
                        "placement.zoneSpread.maxSkew", "was 0", "must be at least 1", "use 1"),
                row("node spread without whenUnsatisfiable", "orders", b -> b.placement(p -> p.nodeSpread(1, null)),
                        "placement.nodeSpread.whenUnsatisfiable", "is required", "SCHEDULE_ANYWAY"),
                row("priority class not a DNS subdomain", "orders",
                        b -> b.placement(p -> p.priorityClassName("Redis Critical")), "placement.priorityClassName",
                        "\"Redis Critical\"", "DNS subdomain", "priorityClassName(\"redis-critical\")"),
                row("system priority class", "orders",
                        b -> b.placement(p -> p.priorityClassName("system-node-critical")),
                        "placement.priorityClassName", "\"system-node-critical\"", "only in kube-system",
                        "PriorityClass of your own"),
                row("owned pod label", "orders", b -> b.placement(p -> p.podLabel("app.kubernetes.io/component", "x")),
                        "placement.podLabel key", "\"app.kubernetes.io/component\"", "set by redis-kube",
                        "choose another key"),
                row("pod label under redis-kube's prefix", "orders",
                        b -> b.placement(p -> p.podLabel(SpecChecks.OWNED_KEY_PREFIX + "role", "master")),
                        "placement.podLabel key", SpecChecks.OWNED_KEY_PREFIX + "role", "set by redis-kube"),
                row("bad pod label value", "orders", b -> b.placement(p -> p.podLabel("team", "a b")),
                        "placement.podLabels[team]", "\"a b\"", "label value"),
                row("owned pod annotation", "orders",
                        b -> b.placement(p -> p.podAnnotation(SpecChecks.OWNED_KEY_PREFIX + "config-hash", "x")),
                        "placement.podAnnotation key", SpecChecks.OWNED_KEY_PREFIX + "config-hash",
                        "set by redis-kube"),
                row("bad pod annotation key", "orders", b -> b.placement(p -> p.podAnnotation("a b", "x")),
                        "placement.podAnnotation key", "\"a b\"", "qualified name"),
                row("bad pull policy", "orders", b -> b.imagePullPolicy("Sometimes"), "imagePullPolicy",
                        "\"Sometimes\"", "Always, IfNotPresent, Never"),
                row("root image uid", "orders", b -> b.image(Image.DEFAULT.withReference("redis:7.2.11")
                        .withUid(0)), "image.uid", "was 0", "non-root"),
                row("bad eviction policy", "orders", b -> b.evictionPolicy("lru"), "evictionPolicy", "\"lru\"",
                        "allkeys-lru"),
                row("owned label", "orders", b -> b.label("app.kubernetes.io/instance", "other"),
                        "label key", "\"app.kubernetes.io/instance\"", "set by redis-kube"),
                row("managed-by label", "orders", b -> b.label("app.kubernetes.io/managed-by", "helm"),
                        "label key", "\"app.kubernetes.io/managed-by\"", "set by redis-kube"),
                row("Sentinel role label", "orders", b -> b.label(SpecChecks.OWNED_KEY_PREFIX + "role", "master"),
                        "label key", SpecChecks.OWNED_KEY_PREFIX + "role", "set by redis-kube", "choose another key"),
                row("client label on the server", "orders", b -> b.label(NetworkAccess.CLIENT_LABEL, "orders"),
                        "label key", NetworkAccess.CLIENT_LABEL, "set by redis-kube"),
                row("config-hash annotation", "orders", b -> b.annotation(SpecChecks.OWNED_KEY_PREFIX + "config-hash",
                        "x"), "annotation key", SpecChecks.OWNED_KEY_PREFIX + "config-hash", "set by redis-kube"),
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
                row("toleration without operator", "orders", b -> b.toleration(new Toleration("k", null, "v", null)),
                        "tolerations[0].operator", "was null", "Equal or Exists"),
                row("null access mode", "orders", b -> b.storage(s -> s.accessMode(null)), "storage.accessMode",
                        "was null", "ReadWriteOnce"),
                row("null pull policy", "orders", b -> b.imagePullPolicy(null), "imagePullPolicy", "was null",
                        "IfNotPresent"),
                row("bad node selector", "orders", b -> b.nodeSelector("disk type", "ssd"), "nodeSelector key",
                        "\"disk type\""),
                row("bad cluster domain", "orders", b -> b.clusterDomain("Cluster Local"), "clusterDomain",
                        "\"Cluster Local\""),
                call("null config directive", () -> valid("orders").config(null, "20"),
                        "config directive is required, was null", "config(\"hz\", \"20\")"),
                call("null config map", () -> valid("orders").config((Map<String, String>) null),
                        "config directives is required, was null"),
                call("null key in a config map", () -> valid("orders").config(withNullKey()),
                        "config directives key is required, was null"),
                call("null label key", () -> valid("orders").label(null, "x"), "label key is required, was null",
                        "label(\"team\", \"payments\")"),
                call("null label map", () -> valid("orders").labels(null), "labels is required"),
                call("null key in a label map", () -> valid("orders").labels(withNullKey()), "labels key is required"),
                call("null annotation key", () -> valid("orders").annotation(null, "x"), "annotation key is required"),
                call("null annotation map", () -> valid("orders").annotations(null), "annotations is required"),
                call("null key in an annotation map", () -> valid("orders").annotations(withNullKey()),
                        "annotations key is required"),
                call("null node selector key", () -> valid("orders").nodeSelector(null, "ssd"),
                        "nodeSelector key is required", "nodeSelector(\"disktype\", \"ssd\")"),
                call("null toleration", () -> valid("orders").toleration(null), "toleration is required",
                        "Toleration.exists"),
                call("null placement options", () -> valid("orders").placement((Consumer<Placement.Builder>) null),
                        "placement is required",
                        "placement(p -> p.zoneSpread(1))"),
                call("null pod label key", () -> valid("orders").placement(p -> p.podLabel(null, "x")),
                        "podLabel key is required"),
                call("null master resources", () -> valid("orders").master(null), "master is required"),
                call("null replica resources", () -> valid("orders").replica(null), "replica is required"),
                call("null resources", () -> valid("orders").resources(null), "resources is required"),
                call("null storage options", () -> valid("orders").storage((Consumer<Storage.Builder>) null),
                        "storage is required"),
                call("null sentinel options", () -> valid("orders").sentinel((Consumer<SentinelSpec.Builder>) null),
                        "sentinel is required", "(SentinelSpec) null"),
                call("null password generator", () -> valid("orders").passwordGenerator(null),
                        "passwordGenerator is required", "PasswordGenerator.fixed"),
                call("null image", () -> valid("orders").image((Image) null), "image is required"),
                call("null pull secret", () -> valid("orders").imagePullSecrets("regcred", null),
                        "imagePullSecrets[1] is required"),
                call("null pull secrets", () -> valid("orders").imagePullSecrets((String[]) null),
                        "imagePullSecrets is required"),
                call("null client to attach", () -> RedisKube.attach(null, "tenant-a", "orders"),
                        "client is required, was null", "KubernetesClient"),
                call("null client to deploy", () -> RedisKube.deploy(null, valid("orders").build()),
                        "client is required, was null"),
                call("null client to provision", () -> RedisKube.provision(null, RedisKube.tenant("t").build()),
                        "client is required, was null"),
                tenant("system namespace kube-system", "kube-system", t -> t, "namespace", "\"kube-system\"",
                        "system namespace", "CoreDNS", "RedisKube.tenant(\"tenant-a\")"),
                tenant("system namespace kube-public", "kube-public", t -> t.isolateNetwork(false), "\"kube-public\"",
                        "system namespace"),
                tenant("the default namespace", "default", t -> t, "namespace", "\"default\"", "namespace of its own"),
                tenant("largest pod of 4 KiB", "tenant-a", t -> t.maxPodMemory("4096"), "maxPodMemory", "\"4096\"",
                        "at least 8Mi"),
                tenant("largest pod of 12Ei", "tenant-a", t -> t.maxPodMemory("12Ei"), "maxPodMemory",
                        "at most 64Ti"),
                tenant("tenant memory of 1e30 bytes", "tenant-a", t -> t.memory("1e30"), "memory", "at most 1Ei"),
                tenant("tenant storage below one volume", "tenant-a", t -> t.storage("1Mi"), "storage",
                        "at least 64Mi"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badSpecs")
    void badInputIsRefusedWithFieldValueRuleAndFix(String description, ThrowingCallable input, String prefix,
                                                   List<String> expectedFragments) {
        Throwable error = catchThrowable(input);

        assertThat(error).as(description + " must be refused by the library").isInstanceOf(
                IllegalArgumentException.class);
        assertThat(error.getMessage()).startsWith(prefix).contains(expectedFragments);
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
    void theBuilderIsTheOnlyWayToASpecSoEverySpecIsValidated() {
        RedisReplicationSpec good = valid("orders").build();

        assertThat(RedisReplicationSpec.class.getDeclaredConstructors())
                .as("no constructor but the private one build() calls")
                .allSatisfy(c -> assertThat(Modifier.isPrivate(c.getModifiers())).isTrue());
        assertThatThrownBy(() -> good.toBuilder().replicas(99).build())
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
    void theLargestAcceptedQuantitiesRender() {
        RedisReplicationSpec spec = valid("orders")
                .resources(n -> n.memoryLimit("64Ti").cpuLimit("4096").cpuRequest("1m"))
                .storage("64Ti")
                .build();

        assertThat(spec.maxmemoryBytes(Role.MASTER)).isEqualTo(52776558133248L);   // 0.75 x 64Ti
        assertThat(RedisKube.manifests(spec)).isNotEmpty();
        assertThat(valid("orders").master(n -> n.memoryLimit("1Gi")).maxmemory("1020054732").build()
                .maxmemoryBytes(Role.REPLICA)).isEqualTo(1020054732L);   // exactly 95 % of the limit
        assertThat(RedisKube.tenant("tenant-a").memory("1Ei").maxPodMemory("8Mi").build().maxPodMemory())
                .isEqualTo("8Mi");
    }

    @ParameterizedTest
    @ValueSource(strings = {"redis:7.2.11", "valkey/valkey:8.1.4", "docker.io/alpine/k8s:1.31.4", "redis",
            "localhost:5000/redis", "[::1]:5000/cache/redis:7", "Registry.Example.com:443/team/redis_cache-x:7.2-a_B",
            "redis@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "ghcr.io/a/b__c/d:latest@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"})
    void wellFormedImageReferencesAreAccepted(String reference) {
        assertThat(valid("orders").image(reference).build().image().reference()).isEqualTo(reference);
    }

    @Test
    void valuesRedisReadsAsTheirDirectiveTakesThemAreAccepted() {
        RedisReplicationSpec spec = valid("orders")
                .config("hz", "20")
                .config("notify-keyspace-events", "\"\"")
                .config("client-output-buffer-limit", "pubsub 32mb 8mb 60 replica 256mb 64mb 60")
                .config("oom-score-adj-values", "0 200 800")
                .config("shutdown-on-sigterm", "nosave now")
                .config("io-threads", "\"4\"")
                .build();

        assertThat(spec.redisConfig()).hasSize(6);
        assertThat(ConfigValues.tokens("a\"b c\" 'd\\'e'  f")).containsExactly("ab c", "d'e", "f");
    }

    @Test
    void theDefaultNamespaceAndNamesThatMerelyStartWithKubeAreFineForADeployment() {
        assertThat(valid("orders").namespace("default").build().namespace()).isEqualTo("default");
        assertThat(RedisKube.tenant("kubeflow-cache").build().namespace()).isEqualTo("kubeflow-cache");
    }

    @Test
    void theGeneratedPasswordNeverShowsInToString() {
        RedisReplicationSpec spec = valid("orders").build();

        assertThat(spec.toString()).doesNotContain("0123456789abcdefABCDEF").contains("password=<hidden>");
    }
}
