package dev.plaza.im.comet;

/** Which of the comet's servers a test client uses. */
enum Wire {
    TCP, WS
}
