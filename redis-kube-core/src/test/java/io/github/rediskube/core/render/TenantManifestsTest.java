package io.github.rediskube.core.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonParser;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LimitRange;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.github.rediskube.core.RedisKube;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.github.rediskube.core.spec.TenantSpec;
import io.kubernetes.client.openapi.models.V1LimitRange;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1NetworkPolicy;
import io.kubernetes.client.openapi.models.V1ResourceQuota;
import java.util.List;
import org.junit.jupiter.api.Test;

class TenantManifestsTest {

    private static TenantSpec capped() {
        return RedisKube.tenant("tenant-a").memory("16Gi").cpu("8").pods(20).storage("100Gi").maxPodMemory("4Gi")
                .build();
    }

    @Test
    void rendersNamespaceQuotaLimitRangeAndIsolation() {
        List<HasMetadata> objects = TenantManifests.render(capped());

        assertThat(objects).extracting(HasMetadata::getKind)
                .containsExactly("Namespace", "ResourceQuota", "LimitRange", "NetworkPolicy");
        ResourceQuota quota = (ResourceQuota) objects.get(1);
        assertThat(quota.getSpec().getHard()).containsEntry("requests.memory", new Quantity("16Gi"))
                .containsEntry("limits.memory", new Quantity("16Gi")).containsEntry("requests.cpu", new Quantity("8"))
                .containsEntry("pods", new Quantity("20")).containsEntry("requests.storage", new Quantity("100Gi"))
                .as("no CPU-limit quota: it would refuse pods without CPU limits").doesNotContainKey("limits.cpu");
        LimitRange limits = (LimitRange) objects.get(2);
        assertThat(limits.getSpec().getLimits().get(0).getMax()).containsEntry("memory", new Quantity("4Gi"));
        NetworkPolicy isolation = (NetworkPolicy) objects.get(3);
        assertThat(isolation.getSpec().getIngress()).singleElement().satisfies(rule -> {
            assertThat(rule.getFrom()).singleElement().satisfies(peer -> {
                assertThat(peer.getPodSelector()).isNotNull();
                assertThat(peer.getNamespaceSelector()).as("same namespace only").isNull();
            });
        });
        assertThat(isolation.getSpec().getPodSelector().getMatchExpressions())
                .as("Redis pods keep their own, narrower policy: this one must not admit the whole namespace to them")
                .singleElement().satisfies(expression -> {
                    assertThat(expression.getKey()).isEqualTo("app.kubernetes.io/managed-by");
                    assertThat(expression.getOperator()).isEqualTo("NotIn");
                    assertThat(expression.getValues()).containsExactly("redis-kube");
                });
        RedisReplicationSpec cache = RedisKube.replication("cache").namespace("tenant-a").build();
        assertThat(RedisManifests.render(cache)).filteredOn(o -> o instanceof StatefulSet).allSatisfy(set ->
                assertThat(((StatefulSet) set).getSpec().getTemplate().getMetadata().getLabels())
                        .containsEntry("app.kubernetes.io/managed-by", "redis-kube"));
    }

    @Test
    void withoutCapsOnlyTheNamespaceAndOptionallyIsolation() {
        assertThat(TenantManifests.render(RedisKube.tenant("tenant-b").build())).extracting(HasMetadata::getKind)
                .containsExactly("Namespace", "NetworkPolicy");
        assertThat(TenantManifests.render(RedisKube.tenant("tenant-b").isolateNetwork(false).build()))
                .extracting(HasMetadata::getKind).containsExactly("Namespace");
    }

    @Test
    void badCapsAreRefusedWithTheFix() {
        assertThatThrownBy(() -> RedisKube.tenant("Tenant A").memory("lots").pods(0).maxPodMemory("1Gi").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("namespace must be a DNS-1123 label")
                .hasMessageContaining("memory must be a positive Kubernetes quantity, was \"lots\"")
                .hasMessageContaining("pods must be positive, was 0");
        assertThatThrownBy(() -> RedisKube.tenant("t").memory("1Gi").maxPodMemory("2Gi").build())
                .hasMessageContaining("maxPodMemory must not exceed the tenant's memory \"1Gi\"");
    }

    @Test
    void everyObjectIsValidAgainstTheKubernetesSchema() throws Exception {
        List<HasMetadata> objects = TenantManifests.render(capped());

        V1Namespace.validateJsonElement(JsonParser.parseString(Serialization.asJson(objects.get(0))));
        V1ResourceQuota.validateJsonElement(JsonParser.parseString(Serialization.asJson(objects.get(1))));
        V1LimitRange.validateJsonElement(JsonParser.parseString(Serialization.asJson(objects.get(2))));
        V1NetworkPolicy.validateJsonElement(JsonParser.parseString(Serialization.asJson(objects.get(3))));
    }
}
