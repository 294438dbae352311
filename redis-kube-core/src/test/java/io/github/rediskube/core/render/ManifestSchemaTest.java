package io.github.rediskube.core.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.github.rediskube.core.RedisKube;
import io.github.rediskube.core.spec.Auth;
import io.github.rediskube.core.spec.NetworkAccess;
import io.github.rediskube.core.spec.PasswordGenerator;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.github.rediskube.core.spec.Toleration;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1NetworkPolicy;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1Role;
import io.kubernetes.client.openapi.models.V1RoleBinding;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServiceAccount;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import java.io.IOException;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Schema tier: every rendered object is checked against the official Kubernetes Java model, which is
 * generated from the API server's OpenAPI spec. Its {@code validateJsonElement} rejects unknown fields
 * (typos, fields of another API version), missing required fields and values of the wrong JSON type,
 * recursively through nested objects.
 */
class ManifestSchemaTest {

    /** The official model class, by the {@code apiVersion/kind} we render; any other kind fails the test. */
    private static final Map<String, SchemaValidator> SCHEMAS = Map.of(
            "v1/Secret", V1Secret::validateJsonElement,
            "v1/ConfigMap", V1ConfigMap::validateJsonElement,
            "v1/Service", V1Service::validateJsonElement,
            "networking.k8s.io/v1/NetworkPolicy", V1NetworkPolicy::validateJsonElement,
            "policy/v1/PodDisruptionBudget", V1PodDisruptionBudget::validateJsonElement,
            "v1/ServiceAccount", V1ServiceAccount::validateJsonElement,
            "rbac.authorization.k8s.io/v1/Role", V1Role::validateJsonElement,
            "rbac.authorization.k8s.io/v1/RoleBinding", V1RoleBinding::validateJsonElement,
            "apps/v1/StatefulSet", V1StatefulSet::validateJsonElement,
            "monitoring.coreos.com/v1/ServiceMonitor", ManifestSchemaTest::validateServiceMonitor);

    /**
     * The Prometheus Operator's CRD has no model class here: its selector is checked against Kubernetes'
     * LabelSelector schema, and its endpoints must each name a port and keep only known fields.
     */
    private static void validateServiceMonitor(JsonElement json) throws IOException {
        JsonObject spec = json.getAsJsonObject().getAsJsonObject("spec");
        assertThat(spec.keySet()).containsOnly("selector", "namespaceSelector", "endpoints");
        io.kubernetes.client.openapi.models.V1LabelSelector.validateJsonElement(spec.get("selector"));
        JsonArray endpoints = spec.getAsJsonArray("endpoints");
        assertThat(endpoints).isNotEmpty().allSatisfy(endpoint -> {
            assertThat(endpoint.getAsJsonObject().keySet()).contains("port")
                    .isSubsetOf("port", "path", "interval", "relabelings");
            assertThat(endpoint.getAsJsonObject().get("port").getAsString()).isNotBlank();
        });
    }

    /**
     * Specs covering every rendering branch; {@link RestrictedProfileTest} renders the same ones.
     *
     * @return one named spec per argument set
     */
    static Stream<Arguments> specs() {
        return Stream.of(
                argumentSet("defaults", orders().build()),
                argumentSet("classic: 3 replicas, NodePorts 32379/32380, master 4096M", orders()
                        .replicas(3)
                        .master(n -> n.memoryLimit("4096M"))
                        .exposeNodePorts(32379, 32380)
                        .build()),
                argumentSet("storage mode with a StorageClass", orders()
                        .storage(s -> s.size("10Gi").storageClass("fast").deleteVolumesOnDelete(true))
                        .build()),
                argumentSet("LoadBalancer", orders().exposeLoadBalancer().build()),
                argumentSet("password from an existing Secret", orders()
                        .auth(Auth.fromSecret("orders-credentials", "redis-password"))
                        .build()),
                argumentSet("auth disabled", orders().auth(Auth.disabled()).build()),
                argumentSet("no replicas", orders().replicas(0).build()),
                argumentSet("tolerations, node selector, pull secrets, namespaces and CIDRs", orders()
                        .toleration(Toleration.equal("dedicated", "redis", "NoSchedule"))
                        .toleration(Toleration.exists("example.com/maintenance", null))
                        .nodeSelector("disktype", "ssd")
                        .imagePullSecrets("regcred")
                        .networkAccess(NetworkAccess.clientsOnly().withNamespaces("ops").withCidrs("10.0.0.0/8"))
                        .build()),
                argumentSet("Sentinel: 3 Sentinels, min-replicas-to-write, storage mode", orders()
                        .sentinel(s -> s.sentinels(3).downAfter(java.time.Duration.ofSeconds(5)).minReplicasToWrite(1))
                        .storage("1Gi")
                        .build()),
                argumentSet("Sentinel: 5 Sentinels, auth disabled, tolerations", orders()
                        .replicas(3)
                        .auth(Auth.disabled())
                        .toleration(Toleration.equal("dedicated", "redis", "NoSchedule"))
                        .sentinel(s -> s.sentinels(5).quorum(3).labelerImage("registry.example.com/kubectl:1.31"))
                        .build()),
                argumentSet("metrics with a ServiceMonitor, Sentinel, password from a Secret", orders()
                        .auth(Auth.fromSecret("orders-credentials", "redis-password"))
                        .sentinel(s -> s.sentinels(3))
                        .metrics(m -> m.serviceMonitor(true))
                        .build()),
                argumentSet("metrics on port 9200, auth disabled", orders()
                        .auth(Auth.disabled())
                        .metrics(m -> m.port(9200))
                        .build()),
                argumentSet("placement: zone and node spread, priority class, pod labels, Sentinel", orders()
                        .sentinel(s -> s.sentinels(3))
                        .placement(p -> p.zoneSpread(1).nodeSpread(2,
                                        io.github.rediskube.core.spec.Placement.WhenUnsatisfiable.DO_NOT_SCHEDULE)
                                .priorityClassName("redis-critical")
                                .podLabel("example.com/cost-center", "42")
                                .podAnnotation("example.com/backup", "nightly"))
                        .build()),
                argumentSet("placement: zone spread only, plain replication", orders()
                        .placement(p -> p.zoneSpread(1))
                        .build()),
                argumentSet("labels and annotations", orders()
                        .label("team", "payments")
                        .annotation("example.com/owner", "payments@example.com")
                        .build()));
    }

    private static RedisReplicationSpec.Builder orders() {
        return RedisKube.replication("orders")
                .namespace("tenant-a")
                .passwordGenerator(PasswordGenerator.fixed("0123456789abcdefXYZ"));
    }

    @ParameterizedTest
    @MethodSource("specs")
    void everyRenderedObjectIsValidAgainstTheKubernetesSchema(RedisReplicationSpec spec) {
        var objects = RedisManifests.render(spec);

        assertThat(objects).extracting(HasMetadata::getKind).contains("ConfigMap", "Service", "StatefulSet");
        assertThat(objects).allSatisfy(object -> assertThatCode(() -> validate(object))
                .as("%s %s", object.getKind(), object.getMetadata().getName())
                .doesNotThrowAnyException());
    }

    @Test
    void aKindWithoutAKnownSchemaIsRefusedRatherThanSkipped() {
        var deployment = new DeploymentBuilder().withNewMetadata().withName("orders").endMetadata().build();

        assertThatThrownBy(() -> validate(deployment))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("apps/v1/Deployment");
    }

    @Test
    void schemaRejectsAnUnknownField() {
        JsonObject statefulSet = renderedStatefulSet();
        statefulSet.getAsJsonObject("spec").addProperty("replica", 3);

        assertThatThrownBy(() -> V1StatefulSet.validateJsonElement(statefulSet))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("`replica`");
    }

    @Test
    void schemaRejectsAnUnknownFieldDeepInsideThePodTemplate() {
        JsonObject statefulSet = renderedStatefulSet();
        container(statefulSet).getAsJsonObject("securityContext").addProperty("allowPrivilegedEscalation", false);

        assertThatThrownBy(() -> V1StatefulSet.validateJsonElement(statefulSet))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("`allowPrivilegedEscalation`");
    }

    @Test
    void schemaRejectsAMissingRequiredField() {
        JsonObject statefulSet = renderedStatefulSet();
        statefulSet.getAsJsonObject("spec").remove("selector");

        assertThatThrownBy(() -> V1StatefulSet.validateJsonElement(statefulSet))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("`selector`");
    }

    @Test
    void schemaRejectsAValueOfTheWrongType() {
        JsonObject statefulSet = renderedStatefulSet();
        container(statefulSet).addProperty("command", "redis-server");

        assertThatThrownBy(() -> V1StatefulSet.validateJsonElement(statefulSet))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("`command`");
    }

    /** Validates one rendered object against the model class of its apiVersion and kind. */
    private static void validate(HasMetadata object) throws IOException {
        String type = object.getApiVersion() + "/" + object.getKind();
        SchemaValidator schema = SCHEMAS.get(type);
        if (schema == null) {
            throw new AssertionError("no Kubernetes schema known for " + type + "; add its model class to SCHEMAS");
        }
        schema.validate(JsonParser.parseString(Serialization.asJson(object)));
    }

    /** The master StatefulSet of the default spec as JSON, valid before a test breaks it. */
    private static JsonObject renderedStatefulSet() {
        StatefulSet statefulSet = RedisManifests.render(orders().build()).stream()
                .filter(StatefulSet.class::isInstance)
                .map(StatefulSet.class::cast)
                .findFirst()
                .orElseThrow();
        JsonObject json = JsonParser.parseString(Serialization.asJson(statefulSet)).getAsJsonObject();
        assertThatCode(() -> V1StatefulSet.validateJsonElement(json)).doesNotThrowAnyException();
        return json;
    }

    private static JsonObject container(JsonObject statefulSet) {
        JsonArray containers = statefulSet.getAsJsonObject("spec").getAsJsonObject("template")
                .getAsJsonObject("spec").getAsJsonArray("containers");
        return containers.get(0).getAsJsonObject();
    }

    /** The static {@code validateJsonElement} of a generated model class. */
    @FunctionalInterface
    private interface SchemaValidator {
        void validate(JsonElement json) throws IOException;
    }
}
