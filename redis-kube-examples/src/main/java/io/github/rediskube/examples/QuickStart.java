package io.github.rediskube.examples;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.rediskube.client.RedisEndpoints;
import io.github.rediskube.client.RedisKubeConnections;
import io.github.rediskube.client.ZoneReadFrom;
import io.github.rediskube.core.RedisKube;
import io.github.rediskube.core.deploy.DeployOptions;
import io.github.rediskube.core.deploy.DeploymentStatus;
import io.github.rediskube.core.deploy.RedisDeployment;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.lettuce.core.RedisClient;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.masterreplica.StatefulRedisMasterReplicaConnection;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The README's code, compiled: every snippet there is copied from a tagged region here (a test checks
 * they match), so the README cannot drift from the API.
 */
final class QuickStart {

    private QuickStart() {
    }

    static List<HasMetadata> render(RedisReplicationSpec spec) throws IOException {
        // tag::render[]
        List<HasMetadata> objects = RedisKube.manifests(spec);  // pure: no API server, same spec -> same objects
        String yaml = RedisKube.toYaml(spec);                   // through fabric8's serializer
        RedisKube.writeYaml(spec, Path.of("manifests"));        // one file per object, for kubectl apply -f / GitOps
        // end::render[]
        return yaml.isEmpty() ? List.of() : objects;
    }

    static void lifecycle(KubernetesClient kubernetesClient, RedisReplicationSpec spec) {
        // tag::lifecycle[]
        DeployOptions burnAfterUse = DeployOptions.DEFAULT.withEphemeral(true);   // without it, close() deletes nothing
        try (RedisDeployment redis = RedisKube.deploy(kubernetesClient, spec, burnAfterUse)) {   // your client, as given
            redis.awaitReady(Duration.ofMinutes(2));     // one informer (LIST + WATCH), progress logged via SLF4J
            DeploymentStatus where = redis.status();     // pods, readiness, Service/pod DNS names, NodePorts, Secret
            redis.scaleReplicas(3);                      // only the replica StatefulSet (and its budget) change
            redis.update(spec.toBuilder().replica(n -> n.cpuLimit("2")).build());   // writes only what changed
        }                                                // ephemeral: everything deleted on close, volumes too
        // end::lifecycle[]
    }

    static RedisReplicationSpec metrics() {
        // tag::metrics[]
        RedisReplicationSpec spec = RedisKube.replication("orders")
                .sentinel(s -> s.sentinels(3))
                .metrics(m -> m.serviceMonitor(true))   // exporter in every pod, port "metrics" 9121, a ServiceMonitor
                .build();
        // end::metrics[]
        return spec;
    }

    static RedisReplicationSpec placement() {
        // tag::placement[]
        RedisReplicationSpec spec = RedisKube.replication("orders")
                .sentinel(s -> s.sentinels(3))
                .placement(p -> p
                        .zoneSpread(1)                            // Redis pods as one set, and the Sentinels, over zones
                        .nodeSpread(1)                            // and over nodes (replaces the spreadOverNodes rule)
                        .priorityClassName("redis-critical")      // a PriorityClass of yours, on every pod
                        .podLabel("example.com/cost-center", "42"))   // on the pod templates only
                .build();
        // end::placement[]
        return spec;
    }

    static void zoneReads(RedisClient redisClient, RedisDeployment deployment) {
        // tag::zone-reads[]
        String zone = System.getenv("CLIENT_ZONE");   // node labels are not in the downward API: pass the zone in
        ZoneReadFrom nearby = ZoneReadFrom.preferring(zone, deployment.nodeZones());   // pod -> node -> zone label
        try (StatefulRedisMasterReplicaConnection<String, String> connection = RedisKubeConnections.connect(
                redisClient, StringCodec.UTF8, RedisEndpoints.of(deployment), nearby)) {
            connection.sync().get("order:1");                                  // a replica in this zone, while one is up
            connection.setReadFrom(nearby.withZones(deployment.nodeZones()));   // pods moved: read the zones again
        }
        // end::zone-reads[]
    }

    static void connection(RedisDeployment deployment) {
        // tag::connection[]
        RedisClient redisClient = RedisClient.create();
        redisClient.setOptions(RedisKubeConnections.recommendedClientOptions());   // fail fast when the master is down
        try (StatefulRedisMasterReplicaConnection<String, String> connection =
                     RedisKubeConnections.connect(redisClient, deployment)) {    // or (client, endpoints)
            connection.sync().set("order:1", "paid");    // the master
            connection.sync().get("order:1");            // a replica (ReadFrom.REPLICA_PREFERRED by default)
        }
        // end::connection[]
        redisClient.shutdown();
    }
}
