package io.github.rediskube.junit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.rediskube.core.deploy.RedisDeployment;
import io.lettuce.core.masterreplica.StatefulRedisMasterReplicaConnection;
import org.junit.jupiter.api.Test;

/**
 * The extension on a real cluster (the current kubeconfig context, or K3s where Docker runs): a fresh
 * deployment, a split connection through port-forwards. Skipped, with the extension's message, elsewhere.
 */
// tag::extension[]
@RedisKubeTest(replicas = 2)                 // a fresh deployment in a namespace of its own, burned after the class
class RedisKubeExtensionIT {

    @Test
    void injectsAReadyDeploymentAndASplitConnection(RedisDeployment redis,
            StatefulRedisMasterReplicaConnection<String, String> connection) throws InterruptedException {
        assertThat(redis.status().ready()).isTrue();
        // end::extension[]

        connection.sync().set("fixture", "works");
        String value = null;
        for (int i = 0; i < 100 && value == null; i++) {
            value = connection.sync().get("fixture");   // a replica: replication is asynchronous
            Thread.sleep(100);
        }
        assertThat(value).isEqualTo("works");
    }
}
