package io.github.rediskube.core.render;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import io.github.rediskube.core.spec.Exposure;
import io.github.rediskube.core.spec.NetworkAccess;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.github.rediskube.core.spec.ResourceNames;
import io.github.rediskube.core.spec.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The Redis Services (headless, master, replicas) and the NetworkPolicy of every contribution's ports. */
final class Network {

    /** The name of the Redis port, on the containers and the Services. */
    static final String PORT_NAME = "redis";

    private Network() {
    }

    /** Gives every pod a stable DNS name, published before the pod is ready (replicas resolve the master early). */
    static Service headless(RedisReplicationSpec spec) {
        return Services.headless(Labels.metadata(spec, spec.names().headlessService(), Labels.common(spec)),
                Labels.selector(spec), List.of(Services.port(PORT_NAME, ResourceNames.REDIS_PORT)));
    }

    /** The master Service (writes) or the replica Service (reads), exposed as the spec says. */
    static Service roleService(RedisReplicationSpec spec, Role role) {
        Exposure exposure = spec.exposure();
        Integer nodePort = role == Role.MASTER ? exposure.masterNodePort() : exposure.replicaNodePort();
        return Services.of(Labels.metadata(spec, spec.names().of(role), Labels.common(spec, role)),
                exposure.type().kubernetesName(), roleSelector(spec, role),
                List.of(Services.port(PORT_NAME, ResourceNames.REDIS_PORT,
                        exposure.type() == Exposure.Type.NODE_PORT ? nodePort : null)));
    }

    /**
     * A role's pods are its StatefulSet's; when roles move, the Services select on the live role label the
     * labeler sidecar keeps current.
     */
    private static Map<String, String> roleSelector(RedisReplicationSpec spec, Role role) {
        if (!Labels.rolesMove(spec)) {
            return Labels.selector(spec, role);
        }
        Map<String, String> selector = Labels.selector(spec);
        selector.put(Labels.ROLE_LABEL, role.label());
        return selector;
    }

    /**
     * Ingress to the contributions' ports (Redis, and Sentinel's with Sentinel): the instance's own pods
     * (replication), pods labelled as its clients, and whatever {@link NetworkAccess} adds. Everything else is
     * denied.
     */
    static NetworkPolicy networkPolicy(RedisReplicationSpec spec, List<Integer> ports) {
        NetworkAccess access = spec.networkAccess();
        return new NetworkPolicyBuilder()
                .withMetadata(Labels.metadata(spec, spec.names().networkPolicy(), Labels.common(spec)))
                .withNewSpec()
                    .withNewPodSelector()
                        .withMatchLabels(Labels.selector(spec))
                    .endPodSelector()
                    .withPolicyTypes("Ingress")
                    .withIngress(ingressRule(spec, access, ports))
                .endSpec()
                .build();
    }

    private static NetworkPolicyIngressRule ingressRule(RedisReplicationSpec spec, NetworkAccess access,
            List<Integer> ports) {
        NetworkPolicyIngressRuleBuilder rule = new NetworkPolicyIngressRuleBuilder();
        for (int port : ports) {
            rule.addNewPort()
                    .withPort(new IntOrString(port))
                    .withProtocol("TCP")
                .endPort();
        }
        if (!access.allowAll()) {
            rule.withFrom(peers(spec, access));
        }
        return rule.build();
    }

    private static List<NetworkPolicyPeer> peers(RedisReplicationSpec spec, NetworkAccess access) {
        List<NetworkPolicyPeer> peers = new ArrayList<>();
        peers.add(new NetworkPolicyPeerBuilder()
                .withNewPodSelector()
                    .withMatchLabels(Labels.selector(spec))
                .endPodSelector()
                .build());
        peers.add(new NetworkPolicyPeerBuilder()
                .withNewPodSelector()
                    .addToMatchLabels(NetworkAccess.CLIENT_LABEL, spec.name())
                .endPodSelector()
                .build());
        if (!access.namespaces().isEmpty()) {
            peers.add(new NetworkPolicyPeerBuilder()
                    .withNewNamespaceSelector()
                        .addNewMatchExpression()
                            .withKey("kubernetes.io/metadata.name")
                            .withOperator("In")
                            .withValues(access.namespaces().stream().sorted().distinct().toList())
                        .endMatchExpression()
                    .endNamespaceSelector()
                    .build());
        }
        for (String cidr : access.cidrs()) {
            peers.add(new NetworkPolicyPeerBuilder()
                    .withNewIpBlock()
                        .withCidr(cidr)
                    .endIpBlock()
                    .build());
        }
        return peers;
    }
}
