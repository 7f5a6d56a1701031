{{/* Names, labels and the per-component values every template shares. */}}

{{- define "orderflow.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The release's base name: the release name alone when it already says "orderflow". */}}
{{- define "orderflow.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "orderflow.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels on every object of the release. */}}
{{- define "orderflow.labels" -}}
helm.sh/chart: {{ include "orderflow.chart" . }}
app.kubernetes.io/name: {{ include "orderflow.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: orderflow
{{- end }}

{{/* Selects every pod of the release (services, topics job, dev infrastructure). */}}
{{- define "orderflow.releaseSelector" -}}
app.kubernetes.io/name: {{ include "orderflow.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
A component's context: call with (dict "root" $ "name" "orders").
Selector labels of one component (a service or a dev infrastructure piece).
*/}}
{{- define "orderflow.selectorLabels" -}}
{{ include "orderflow.releaseSelector" .root }}
app.kubernetes.io/component: {{ .name }}
{{- end }}

{{- define "orderflow.componentLabels" -}}
{{ include "orderflow.labels" .root }}
app.kubernetes.io/component: {{ .name }}
{{- end }}

{{- define "orderflow.componentName" -}}
{{- printf "%s-%s" (include "orderflow.fullname" .root) .name | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* <global.imageRegistry>/<repository>:<tag>, the tag defaulting to the chart's appVersion. */}}
{{- define "orderflow.image" -}}
{{- $registry := .root.Values.global.imageRegistry }}
{{- $tag := default .root.Chart.AppVersion .image.tag }}
{{- if $registry }}
{{- printf "%s/%s:%s" (trimSuffix "/" $registry) .image.repository $tag }}
{{- else }}
{{- printf "%s:%s" .image.repository $tag }}
{{- end }}
{{- end }}

{{/* The enabled services, sorted by name: {name: values}. */}}
{{- define "orderflow.enabledComponents" -}}
{{- $out := dict }}
{{- range $name, $c := .Values.components }}
{{- if $c.enabled }}{{- $_ := set $out $name $c }}{{- end }}
{{- end }}
{{- toYaml $out }}
{{- end }}

{{/* Secret holding the generated dev passwords and URLs (devInfra only). */}}
{{- define "orderflow.devSecretName" -}}
{{- printf "%s-dev-credentials" (include "orderflow.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Infrastructure endpoints: the bundled ones in devInfra mode, else the configured ones. */}}
{{- define "orderflow.kafkaBootstrap" -}}
{{- if .Values.devInfra.enabled }}
{{- printf "%s:9092" (include "orderflow.componentName" (dict "root" . "name" "kafka")) }}
{{- else }}
{{- required "kafka.bootstrapServers is required (or set devInfra.enabled=true)" .Values.kafka.bootstrapServers }}
{{- end }}
{{- end }}

{{- define "orderflow.registryUrl" -}}
{{- if .Values.devInfra.enabled }}
{{- printf "http://%s:8080/apis/ccompat/v7" (include "orderflow.componentName" (dict "root" . "name" "registry")) }}
{{- else }}
{{- required "schemaRegistry.url is required (or set devInfra.enabled=true)" .Values.schemaRegistry.url }}
{{- end }}
{{- end }}

{{- define "orderflow.otlpEndpoint" -}}
{{- if .Values.devInfra.enabled }}
{{- printf "http://%s:4318" (include "orderflow.componentName" (dict "root" . "name" "jaeger")) }}
{{- else }}
{{- required "otlp.endpoint is required (or set devInfra.enabled=true)" .Values.otlp.endpoint }}
{{- end }}
{{- end }}

{{/*
Where a service's DATABASE_URL (and notifications' SMTP_URL) comes from: the generated
dev credentials in devInfra mode, else the existing Secret named in values.
Call with (dict "root" $ "name" "orders" "field" "database" "ref" $c.database "devKey" "orders-database-url").
*/}}
{{- define "orderflow.secretKeyRef" -}}
{{- if .root.Values.devInfra.enabled -}}
name: {{ include "orderflow.devSecretName" .root }}
key: {{ .devKey }}
{{- else }}
name: {{ required (printf "components.%s.%s.existingSecret is required unless devInfra.enabled" .name .field) .ref.existingSecret }}
key: {{ .ref.key }}
{{- end }}
{{- end }}

{{/* The restricted container securityContext (Pod Security Standards "restricted"). */}}
{{- define "orderflow.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
capabilities:
  drop: [ALL]
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/* Pod securityContext for a UID: call with the UID. */}}
{{- define "orderflow.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ . }}
runAsGroup: {{ . }}
fsGroup: {{ . }}
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/* NetworkPolicy egress rule: call with (dict "peers" [...] "ports" [...]); no peers = any destination. */}}
{{- define "orderflow.egressRule" -}}
- ports:
    {{- range .ports }}
    - { protocol: TCP, port: {{ . }} }
    {{- end }}
  {{- with .peers }}
  to:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}

{{/*
The environment of one service (its ConfigMap data): the shared infrastructure
endpoints, then the component's own env. Call with (dict "root" $ "name" "orders" "c" $c).
*/}}
{{- define "orderflow.configData" -}}
{{- $root := .root }}
{{- $data := dict
  "HTTP_PORT" "8080"
  "KAFKA_BROKERS" (include "orderflow.kafkaBootstrap" $root)
  "KAFKA_TOPIC_PREFIX" $root.Values.kafka.topicPrefix
  "KAFKA_ENSURE_TOPICS" (ternary "false" "true" $root.Values.topics.create)
  "KAFKA_TOPIC_PARTITIONS" (toString $root.Values.topics.partitions)
  "SCHEMA_REGISTRY_URL" (include "orderflow.registryUrl" $root)
  "OTEL_EXPORTER_OTLP_ENDPOINT" (include "orderflow.otlpEndpoint" $root)
  "OTEL_SERVICE_NAME" .name
  "LOG_LEVEL" $root.Values.logLevel
  "DEPLOYMENT_ENVIRONMENT" $root.Values.deploymentEnvironment
  "RATE_LIMIT_WRITE_PER_S" (toString $root.Values.rateLimit.writePerSecond)
  "RATE_LIMIT_WRITE_BURST" (toString $root.Values.rateLimit.writeBurst)
}}
{{- $auth := $root.Values.auth }}
{{- if $auth.disabled }}
{{- $_ := set $data "AUTH_DISABLED" "true" }}
{{- else }}
{{- /* Unset, the service refuses to start and says which variable is missing. */}}
{{- with $auth.issuer }}{{ $_ := set $data "AUTH_ISSUER" . }}{{ end }}
{{- with $auth.audience }}{{ $_ := set $data "AUTH_AUDIENCE" . }}{{ end }}
{{- with $auth.jwksUrl }}{{ $_ := set $data "AUTH_JWKS_URL" . }}{{ end }}
{{- $_ := set $data "AUTH_CLOCK_TOLERANCE_S" (toString $auth.clockToleranceSeconds) }}
{{- end }}
{{- if eq (include "orderflow.kafkaSecure" $root) "true" }}
{{- $sec := $root.Values.kafka.security }}
{{- $_ := set $data "KAFKA_SECURITY_PROTOCOL" "SASL_SSL" }}
{{- $_ := set $data "KAFKA_SASL_MECHANISM" $sec.saslMechanism }}
{{- $_ := set $data "KAFKA_SASL_USERNAME" (get ($sec.users | default dict) .name | default .name) }}
{{- $_ := set $data "KAFKA_SASL_PASSWORD_FILE" "/var/run/secrets/orderflow/kafka/password" }}
{{- if $sec.caSecret.name }}
{{- $_ := set $data "KAFKA_SSL_CA_FILE" "/var/run/secrets/orderflow/kafka-ca/ca.crt" }}
{{- end }}
{{- end }}
{{- range $k, $v := .c.env }}{{- $_ := set $data $k (toString $v) }}{{- end }}
{{- range $k, $v := $data }}
{{ $k }}: {{ $v | quote }}
{{- end }}
{{- end }}

{{/* "true" when the services reach Kafka over SASL_SSL (never with the bundled dev Kafka). */}}
{{- define "orderflow.kafkaSecure" -}}
{{- and (eq .Values.kafka.security.protocol "SASL_SSL") (not .Values.devInfra.enabled) -}}
{{- end }}

{{/* NetworkPolicy egress rule to DNS (UDP and TCP 53). */}}
{{- define "orderflow.dnsEgress" -}}
- ports:
    - { protocol: UDP, port: 53 }
    - { protocol: TCP, port: 53 }
  {{- with .Values.networkPolicy.dns.peers }}
  to:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}

{{/*
Dev infrastructure pod parts. Call with (dict "root" $ "name" "kafka" "v" $.Values.devInfra.kafka).
policyExceptions lists the restricted settings an upstream image cannot meet; the pod
carries them in an annotation that deploy/checks/pod_policy.py honours in dev renders only.
*/}}
{{- define "orderflow.devPodMeta" -}}
labels:
  {{- include "orderflow.componentLabels" . | nindent 2 }}
  orderflow.io/dev-infra: "true"
{{- with .v.policyExceptions }}
annotations:
  orderflow.io/policy-exceptions: {{ join "," . | quote }}
{{- end }}
{{- end }}

{{- define "orderflow.devContainerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: {{ not (has "readOnlyRootFilesystem" .v.policyExceptions) }}
runAsNonRoot: true
runAsUser: {{ .v.runAsUser }}
capabilities:
  drop: [ALL]
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{- define "orderflow.devPodSpecCommon" -}}
automountServiceAccountToken: false
enableServiceLinks: false
securityContext:
  {{- include "orderflow.podSecurityContext" .v.runAsUser | nindent 2 }}
{{- end }}
