package dev.skep.route.proxy;

import io.netty.buffer.ByteBuf;

/** Where the respond step writes: the client connection ({@link FrontendHandler}); tests record instead. */
interface ClientOut {

    /** A response head or body piece as Netty's HTTP objects, through the client's encoder. */
    void write(Object msg);

    /** Response bytes already in HTTP/1.1 form, past the client's encoder. */
    void writeRaw(ByteBuf bytes);
}
