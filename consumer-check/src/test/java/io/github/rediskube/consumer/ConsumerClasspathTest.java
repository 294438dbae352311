package io.github.rediskube.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.github.rediskube.client.RedisEndpoints;
import io.github.rediskube.core.RedisKube;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.lettuce.core.RedisClient;
import io.netty.util.Version;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** What a user's first lines do, on the classpath the BOM gives them (redis-kube-junit declared first). */
class ConsumerClasspathTest {

    @Test
    void rendersYamlThroughFabric8sSerializer() {
        RedisReplicationSpec spec = RedisKube.replication("orders").replicas(2).build();

        String yaml = RedisKube.toYaml(spec);

        assertTrue(yaml.contains("kind: \"StatefulSet\""), yaml);
    }

    @Test
    void buildsAKubernetesClientOnTheJdkHttpClient() {
        Config config = new ConfigBuilder(Config.empty()).withMasterUrl("https://127.0.0.1:1").build();
        try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
            assertEquals("io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientImpl",
                    client.getHttpClient().getClass().getName());
        }
    }

    @Test
    void createsALettuceClientOnOneNettyVersion() {
        RedisClient redisClient = RedisClient.create();
        try {
            Set<String> nettyVersions = Version.identify().values().stream()
                    .map(Version::artifactVersion).collect(Collectors.toSet());
            assertEquals(1, nettyVersions.size(), "Netty artifacts of several versions: " + Version.identify());
            assertTrue(RedisEndpoints.class.getName().startsWith("io.github.rediskube"));
        } finally {
            redisClient.shutdown();
        }
    }
}
