// Package proc will hold the hero_proc SDK: a client generated from the
// hero_proc OpenRPC schema, UDS and HTTP transports, and thin typed
// wrappers services(), runs(), jobs(), logs(), secrets(). No builders here;
// those belong to package factory.
package proc
