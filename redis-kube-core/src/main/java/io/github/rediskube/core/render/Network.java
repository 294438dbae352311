package io.github.rediskube.core.render;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
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

/** Services (headless, master, replicas) and the NetworkPolicy. */
final class Network {

    private Network() {
    }

    /** Gives every pod a stable DNS name, published before the pod is ready (replicas resolve the master early). */
    static Service headless(RedisReplicationSpec spec) {
        return new ServiceBuilder()
                .withMetadata(Labels.metadata(spec, spec.names().headlessService(), Labels.common(spec)))
                .withNewSpec()
                    .withType("ClusterIP")
                    .withClusterIP("None")
                    .withPublishNotReadyAddresses(true)
                    .withSelector(Labels.selector(spec))
                    .addNewPort()
                        .withName("redis")
                        .withPort(ResourceNames.REDIS_PORT)
                        .withTargetPort(new IntOrString("redis"))
                        .withProtocol("TCP")
                    .endPort()
                .endSpec()
                .build();
    }

    /** The master Service (writes) or the replica Service (reads), exposed as the spec says. */
    static Service roleService(RedisReplicationSpec spec, Role role) {
        Exposure exposure = spec.exposure();
        Integer nodePort = role == Role.MASTER ? exposure.masterNodePort() : exposure.replicaNodePort();
        return new ServiceBuilder()
                .withMetadata(Labels.metadata(spec, spec.names().of(role), Labels.common(spec, role)))
                .withNewSpec()
                    .withType(exposure.type().kubernetesName())
                    .withSelector(roleSelector(spec, role))
                    .addNewPort()
                        .withName("redis")
                        .withPort(ResourceNames.REDIS_PORT)
                        .withTargetPort(new IntOrString("redis"))
                        .withProtocol("TCP")
                        .withNodePort(exposure.type() == Exposure.Type.NODE_PORT ? nodePort : null)
                    .endPort()
                .endSpec()
                .build();
    }

    /**
     * Without Sentinel a role's pods are its StatefulSet's; with Sentinel roles move, so the Services select
     * on the live role label the sidecar keeps current.
     */
    private static java.util.Map<String, String> roleSelector(RedisReplicationSpec spec, Role role) {
        if (!spec.sentinelEnabled()) {
            return Labels.selector(spec, role);
        }
        java.util.Map<String, String> selector = Labels.selector(spec);
        selector.put(Sentinels.ROLE_LABEL, role.label());
        return selector;
    }

    /**
     * Ingress to the Redis port (and the Sentinel port with Sentinel): the instance's own pods (replication), pods labelled as its clients,
     * and whatever {@link NetworkAccess} adds. Everything else is denied.
     */
    static NetworkPolicy networkPolicy(RedisReplicationSpec spec) {
        NetworkAccess access = spec.networkAccess();
        return new NetworkPolicyBuilder()
                .withMetadata(Labels.metadata(spec, spec.names().networkPolicy(), Labels.common(spec)))
                .withNewSpec()
                    .withNewPodSelector()
                        .withMatchLabels(Labels.selector(spec))
                    .endPodSelector()
                    .withPolicyTypes("Ingress")
                    .withIngress(ingressRule(spec, access))
                .endSpec()
                .build();
    }

    private static NetworkPolicyIngressRule ingressRule(RedisReplicationSpec spec, NetworkAccess access) {
        NetworkPolicyIngressRuleBuilder rule = new NetworkPolicyIngressRuleBuilder()
                .addNewPort()
                    .withPort(new IntOrString(ResourceNames.REDIS_PORT))
                    .withProtocol("TCP")
                .endPort();
        if (spec.sentinelEnabled()) {
            rule.addNewPort()
                    .withPort(new IntOrString(io.github.rediskube.core.spec.SentinelSpec.SENTINEL_PORT))
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
