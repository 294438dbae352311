package io.github.rediskube.examples;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.rediskube.client.RedisKubeConnections;
import io.github.rediskube.client.RedisPortForward;
import io.github.rediskube.core.RedisKube;
import io.github.rediskube.core.deploy.DeploymentStatus;
import io.github.rediskube.core.deploy.RedisDeployment;
import io.github.rediskube.core.spec.Mode;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.github.rediskube.core.spec.Role;
import io.github.rediskube.junit.KubernetesClusters;
import io.lettuce.core.RedisClient;
import io.lettuce.core.masterreplica.StatefulRedisMasterReplicaConnection;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

/**
 * The classic Redis master/replica walkthrough, in code: one master with a 4096M memory limit, two
 * replicas that follow it by its DNS name, the master Service on NodePort 32379 and the replica Service
 * on NodePort 32380, a writer on the master and a reader on the replicas.
 *
 * <p>The README's main job: {@code ./mvnw -q -pl redis-kube-examples -am compile exec:java}. On a
 * reachable cluster (current kubeconfig context, or K3s where Docker runs) it deploys, waits, shows
 * where master and replicas are, writes and reads through the split connection, and cleans up unless
 * {@code --keep}; elsewhere it prints the manifests it would apply and how to point it at a cluster.
 */
public final class ClassicWalkthrough extends Example {

    private String namespace = "redis-kube-demo";
    private int replicas = 2;
    private Integer masterNodePort = 32379;
    private Integer replicaNodePort = 32380;
    private Mode mode = Mode.CACHE;
    private String memoryLimit = "4096M";

    ClassicWalkthrough(PrintStream out, PrintStream err) {
        super(out, err);
    }

    /** @return the walkthrough's deployment */
    public static RedisReplicationSpec spec() {
        // tag::classic[]
        RedisReplicationSpec spec = RedisKube.replication("redis")
                .namespace("default")
                .replicas(2)
                .master(n -> n.memoryLimit("4096M"))
                .exposeNodePorts(32379, 32380)
                .build();                          // every rule is checked here, with messages that say how to fix
        // end::classic[]
        return spec;
    }

    /** The walkthrough's deployment as the command line adjusts it (a small request, so it fits small clusters). */
    RedisReplicationSpec configured() {
        RedisReplicationSpec.Builder builder = spec().toBuilder()
                .namespace(namespace)
                .replicas(replicas)
                .master(n -> n.memoryLimit(memoryLimit).memoryRequest("128Mi"));
        builder = masterNodePort == null ? builder.exposure(io.github.rediskube.core.spec.Exposure.clusterIp())
                : builder.exposeNodePorts(masterNodePort, replicaNodePort);
        return mode == Mode.STORAGE ? builder.storage(s -> s.size("1Gi")).build() : builder.cache().build();
    }

    @Override
    String usage() {
        return String.join("\n",
                "usage: ClassicWalkthrough [options]   (the classic Redis master/replica walkthrough)",
                "  --namespace NS        namespace to deploy into (default redis-kube-demo)",
                "  --replicas N          replica pods (default 2)",
                "  --node-ports M,R      NodePorts of the master and replica Services (default 32379,32380),"
                        + " or none",
                "  --mode cache|storage  cache (default) or storage with 1Gi volumes",
                "  --memory-limit Q      memory limit of every Redis pod (default 4096M)",
                "  --out DIR             write one YAML file per object to DIR and stop (kubectl apply -f DIR)");
    }

    @Override
    boolean option(String name, Args args) {
        switch (name) {
            case "--namespace" -> namespace = args.value(name);
            case "--replicas" -> replicas = args.intValue(name);
            case "--node-ports" -> nodePorts(args.value(name));
            case "--mode" -> mode = args.enumValue(name, Mode.class, "cache or storage");
            case "--memory-limit" -> memoryLimit = args.value(name);
            case "--out" -> outDir = args.value(name);
            default -> {
                return false;
            }
        }
        return true;
    }

    private String outDir;

    private void nodePorts(String value) {
        if ("none".equals(value)) {
            masterNodePort = null;
            replicaNodePort = null;
            return;
        }
        String[] ports = value.split(",", -1);
        try {
            if (ports.length != 2) {
                throw new NumberFormatException();
            }
            masterNodePort = Integer.parseInt(ports[0].trim());
            replicaNodePort = Integer.parseInt(ports[1].trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--node-ports needs MASTER,REPLICA (two NodePorts, e.g. 32379,32380)"
                    + " or none, was \"" + value + "\"", e);
        }
    }

    @Override
    void check() {
        configured();   // the spec's own checks: e.g. --replicas -1 or a NodePort out of range is a usage error
    }

    @Override
    void dryRun() throws Exception {
        RedisReplicationSpec spec = configured();
        if (outDir != null) {
            for (java.nio.file.Path file : RedisKube.writeYaml(spec, java.nio.file.Path.of(outDir))) {
                out.println("wrote " + file);
            }
            return;
        }
        out.println("# The classic Redis master/replica walkthrough, rendered by redis-kube:");
        out.println("#   master " + spec.names().of(Role.MASTER) + ": 1 pod, memory limit "
                + spec.master().memoryLimit() + nodePortText(spec.exposure().masterNodePort()) + " (writes)");
        out.println("#   replicas " + spec.names().of(Role.REPLICA) + ": " + spec.replicas() + " pods following "
                + spec.names().masterHost() + nodePortText(spec.exposure().replicaNodePort()) + " (reads)");
        out.print(RedisKube.toYaml(spec));
    }

    private static String nodePortText(Integer port) {
        return port == null ? "" : ", NodePort " + port;
    }

    @Override
    boolean offline() {
        return outDir != null;
    }

    @Override
    void live(KubernetesClusters.Cluster cluster) throws Exception {
        KubernetesClient kubernetes = cluster.client();
        deployAndRun(cluster, configured(), deployment -> {   // deletes it all afterwards unless --keep
            deployment.awaitReady(Duration.ofMinutes(5));
            DeploymentStatus status = deployment.status();
            out.println("master (writes):  " + status.masterHost() + ":" + status.port()
                    + (status.masterNodePort() == null ? "" : ", NodePort " + status.masterNodePort()));
            out.println("replicas (reads): " + status.replicaHost() + ":" + status.port()
                    + (status.replicaNodePort() == null ? "" : ", NodePort " + status.replicaNodePort()));
            status.pods().forEach(p -> out.println("  pod " + p.name() + " (" + p.role() + ") " + p.host()));
            writeAndRead(kubernetes, deployment);
        });
    }

    private void writeAndRead(KubernetesClient kubernetes, RedisDeployment deployment) throws InterruptedException {
        RedisClient redis = RedisClient.create();
        redis.setOptions(RedisKubeConnections.recommendedClientOptions());
        try (RedisPortForward forward = RedisPortForward.open(kubernetes, deployment);
             StatefulRedisMasterReplicaConnection<String, String> connection =
                     RedisKubeConnections.connect(redis, forward.endpoints())) {
            connection.sync().set("walkthrough", "written on the master");
            String value = null;
            for (int i = 0; i < 50 && value == null; i++) {
                value = connection.sync().get("walkthrough");
                Thread.sleep(100);
            }
            String role = connection.sync().info("replication").lines().filter(l -> l.startsWith("role:"))
                    .findFirst().orElse("role:?").trim();
            out.println("wrote on the master, read \"" + value + "\" back from a server with " + role);
        } finally {
            redis.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    /**
     * @param args see {@code --help}
     */
    public static void main(String[] args) {
        int code = new ClassicWalkthrough(System.out, System.err).run(List.of(args));
        if (code != OK) {
            System.exit(code);
        }
    }
}
