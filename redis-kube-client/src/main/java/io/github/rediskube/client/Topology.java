package io.github.rediskube.client;

import io.lettuce.core.ReadFrom;
import io.lettuce.core.models.role.RedisNodeDescription;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * An immutable snapshot of the set: the master and the replicas reads may go to. Replaced as a whole
 * when the replicas change, so a command routes on one consistent view.
 *
 * @param master   the master
 * @param replicas the connected replicas, in a stable order (known ones first, new ones appended)
 * @param nodes    the master, then the replicas
 */
record Topology(Node master, List<Node> replicas, List<RedisNodeDescription> nodes) implements ReadFrom.Nodes {

    /** Computes the node list once: ReadFrom asks for it on every read. */
    Topology(Node master, List<Node> replicas) {
        this(master, replicas, all(master, replicas));
    }

    Topology {
        replicas = List.copyOf(replicas);
        nodes = List.copyOf(nodes);
    }

    private static List<RedisNodeDescription> all(Node master, List<Node> replicas) {
        List<RedisNodeDescription> nodes = new ArrayList<>(replicas.size() + 1);
        nodes.add(master);
        nodes.addAll(replicas);
        return nodes;
    }

    @Override
    public List<RedisNodeDescription> getNodes() {
        return nodes;
    }

    @Override
    public Iterator<RedisNodeDescription> iterator() {
        return getNodes().iterator();
    }

    Topology withReplicas(List<Node> newReplicas) {
        return new Topology(master, newReplicas);
    }
}
