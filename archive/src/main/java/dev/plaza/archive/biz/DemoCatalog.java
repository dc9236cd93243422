package dev.plaza.archive.biz;

import java.util.List;

/** The videos a fresh standalone install starts with: openly licensed films from the Blender Foundation and MDN. */
final class DemoCatalog {
    record Video(String title, String desc, int duration, String cover, String mediaUrl) {
    }

    static final List<Video> VIDEOS = List.of(
            new Video("Big Buck Bunny",
                    "A giant rabbit takes revenge on three bullying rodents. Blender Foundation, CC BY 3.0.",
                    596, "",
                    "https://download.blender.org/peach/bigbuckbunny_movies/BigBuckBunny_320x180.mp4"),
            new Video("Sintel (trailer)",
                    "A lonely young woman searches for her baby dragon. Blender Foundation, CC BY 3.0.",
                    52, "",
                    "https://download.blender.org/durian/trailer/sintel_trailer-480p.mp4"),
            new Video("Flower",
                    "A flower opening in the sun. MDN sample media, CC0.",
                    5, "",
                    "https://interactive-examples.mdn.mozilla.net/media/cc0-videos/flower.mp4"));

    private DemoCatalog() {
    }
}
