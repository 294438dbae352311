package io.github.rediskube.core.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link DeploymentStatus#ready()}: every pod the deployment asks for, not just those that exist yet. */
class DeploymentStatusTest {

    private static final List<String> TWO_REPLICAS = List.of("orders-replica-0.h", "orders-replica-1.h");

    private static DeploymentStatus.PodState pod(String name, String role, boolean ready) {
        return new DeploymentStatus.PodState(name, role, ready, name + ".h", ready ? null : "starting");
    }

    private static DeploymentStatus status(List<DeploymentStatus.PodState> pods) {
        return new DeploymentStatus("shop", "orders", pods, "orders-master", "orders-replica", 6379, TWO_REPLICAS,
                null, null, "orders-auth", "password");
    }

    @Test
    void aReadyMasterAloneIsNotReadyWhileItsReplicasAreNotCreatedYet() {
        assertThat(status(List.of(pod("orders-master-0", "master", true))).ready()).isFalse();
        assertThat(status(List.of()).ready()).isFalse();
    }

    @Test
    void readyWhenTheMasterAndEveryReplicaAreReady() {
        List<DeploymentStatus.PodState> pods = List.of(pod("orders-master-0", "master", true),
                pod("orders-replica-0", "replica", true), pod("orders-replica-1", "replica", true));

        assertThat(status(pods).ready()).isTrue();
    }

    @Test
    void sentinelPodsDoNotStandInForMissingReplicas() {
        List<DeploymentStatus.PodState> pods = List.of(pod("orders-master-0", "master", true),
                pod("orders-replica-0", "replica", true), pod("orders-sentinel-0", "sentinel", true));

        assertThat(status(pods).ready()).isFalse();
    }

    @Test
    void oneUnreadyPodMakesItUnready() {
        List<DeploymentStatus.PodState> pods = List.of(pod("orders-master-0", "master", true),
                pod("orders-replica-0", "replica", false), pod("orders-replica-1", "replica", true));

        assertThat(status(pods).ready()).isFalse();
    }
}
