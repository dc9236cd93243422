package dev.plaza.im.job;

import dev.plaza.api.im.v1.CometGrpc;
import java.util.List;

/**
 * Where the comets are: the job reaches one comet by its server id (key pushes) and every comet (room pushes and
 * broadcasts, since a room spans comets). A static list in the all-in-one process ({@link StaticCometDirectory}),
 * the registered comets in role processes ({@link DiscoveredCometDirectory}).
 */
public interface CometDirectory {
    /** The comet's stub, or null when no comet has that id (it went away). */
    CometGrpc.CometBlockingStub comet(String server);

    /** The ids of every comet known now. */
    List<String> servers();
}
