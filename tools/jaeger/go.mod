// Builds Jaeger v2 (tagged v1.76.0 / v2.13.0 upstream) from the Go module proxy.
// The v2 tags cannot be fetched by module path, so this wrapper requires the
// matching v1 tag and repeats the one replace directive of Jaeger's own go.mod,
// which `go install` would refuse to honour.
module orderflow.local/tools/jaeger

go 1.24.6

require github.com/jaegertracing/jaeger v1.76.0

replace github.com/Shopify/sarama => github.com/Shopify/sarama v1.33.0
