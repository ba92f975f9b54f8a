// Package factory will hold the layer people use on top of package proc: a
// connection factory (local Unix socket or HTTP), builders for services,
// runs and actions with validation, and lifecycle helpers.
package factory
