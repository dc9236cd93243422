package dev.plaza.engines;

import java.nio.file.Path;
import java.util.List;

/** A single-node OpenSearch cluster named {@code plaza}; data in {@code opensearch/node_1/data}. */
final class OpenSearchEngine extends ChildJvmEngine {
    OpenSearchEngine(Path dataDir, EngineOptions options) {
        super(EngineKind.OPENSEARCH, dataDir, options);
    }

    @Override
    String distName() {
        return "opensearch";
    }

    @Override
    String mainClass() {
        return "dev.plaza.engines.dist.opensearch.OpenSearchMain";
    }

    @Override
    List<String> prepare() {
        port = Ports.resolve(options.port(kind), "OpenSearch HTTP");
        int transportPort = Ports.free();
        return List.of(dir.toString(), Integer.toString(port), Integer.toString(transportPort), "plaza");
    }

    @Override
    void describe(EndpointsBuilder e) {
        e.opensearchUrl = "http://127.0.0.1:" + port;
    }
}
