package io.github.rediskube.core.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.github.rediskube.core.RedisKube;
import io.github.rediskube.core.spec.PasswordGenerator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A tenant is a namespace: tenants share nothing, and each sees only its own deployments. */
@EnableKubernetesMockClient(crud = true)
class TenantIsolationTest {

    static KubernetesClient client;

    private static final DeployOptions MOCK = DeployOptions.DEFAULT
            .withStrategy(DeployOptions.ApplyStrategy.CREATE_OR_UPDATE);

    @Test
    void tenantsGetTheirOwnNamespaceQuotaAndIsolationAndSeeOnlyTheirOwnRedis() {
        List<String> writtenA = RedisKube.provision(client,
                RedisKube.tenant("tenant-a").memory("8Gi").pods(10).build(), MOCK);
        RedisKube.provision(client, RedisKube.tenant("tenant-b").memory("8Gi").pods(10).build(), MOCK);
        RedisKube.deploy(client, RedisKube.replication("cache").namespace("tenant-a")
                .passwordGenerator(PasswordGenerator.fixed("aaaaaaaaaaaaaaaaaaaa")).build(), MOCK);
        RedisKube.deploy(client, RedisKube.replication("cache").namespace("tenant-b")
                .passwordGenerator(PasswordGenerator.fixed("bbbbbbbbbbbbbbbbbbbb")).build(), MOCK);

        assertThat(writtenA).containsExactly("Namespace/tenant-a", "ResourceQuota/redis-kube-tenant",
                "NetworkPolicy/redis-kube-tenant");
        assertThat(RedisKube.provision(client, RedisKube.tenant("tenant-a").memory("8Gi").pods(10).build(), MOCK))
                .as("provisioning again writes nothing").isEmpty();
        for (String tenant : List.of("tenant-a", "tenant-b")) {
            assertThat(client.apps().statefulSets().inNamespace(tenant).list().getItems())
                    .extracting(s -> s.getMetadata().getNamespace()).containsOnly(tenant).hasSize(2);
            assertThat(client.resourceQuotas().inNamespace(tenant).list().getItems()).hasSize(1);
        }
        String passwordA = client.secrets().inNamespace("tenant-a").withName("cache-auth").get().getData()
                .get("password");
        String passwordB = client.secrets().inNamespace("tenant-b").withName("cache-auth").get().getData()
                .get("password");
        assertThat(passwordA).isNotEqualTo(passwordB);

        RedisKube.attach(client, "tenant-a", "cache", MOCK).delete();

        assertThat(client.apps().statefulSets().inNamespace("tenant-a").list().getItems()).isEmpty();
        assertThat(client.apps().statefulSets().inNamespace("tenant-b").list().getItems())
                .extracting(HasMetadata::getMetadata).hasSize(2);
    }
}
