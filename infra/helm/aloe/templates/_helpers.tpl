{{/* The release's name for every object, cut to the 63 characters Kubernetes allows in a label. */}}
{{- define "aloe.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* A component's object name: <fullname>-<component>. Call with (dict "root" $ "component" "inference"). */}}
{{- define "aloe.componentName" -}}
{{- printf "%s-%s" (include "aloe.fullname" .root) .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "aloe.selectorLabels" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "aloe.labels" -}}
{{ include "aloe.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" }}
{{- end -}}

{{- define "aloe.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "aloe.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* <registry>/<repository>:<tag>. Call with (dict "root" $ "repository" "aloe/guardrails"). */}}
{{- define "aloe.image" -}}
{{- $registry := .root.Values.image.registry -}}
{{- $tag := default .root.Chart.AppVersion .root.Values.image.tag -}}
{{- if $registry -}}
{{- printf "%s/%s:%s" (trimSuffix "/" $registry) .repository $tag -}}
{{- else -}}
{{- printf "%s:%s" .repository $tag -}}
{{- end -}}
{{- end -}}

{{/* The Kafka variables the guardrails and the adapter read (packages/shared/src/config/env.ts). */}}
{{- define "aloe.kafkaEnv" -}}
{{- $kafka := .Values.kafka -}}
{{- if not $kafka.brokers -}}
{{- fail "kafka.brokers: list the brokers (host:port) of the hospital's Kafka cluster" -}}
{{- end -}}
KAFKA_BROKERS: {{ join "," $kafka.brokers | quote }}
KAFKA_SSL: {{ ternary "true" "false" $kafka.tls.enabled | quote }}
KAFKA_TOPIC_PARTITIONS: {{ $kafka.topicPartitions | quote }}
KAFKA_TOPIC_REPLICATION: {{ $kafka.topicReplication | quote }}
{{- if $kafka.topicPrefix }}
KAFKA_TOPIC_PREFIX: {{ $kafka.topicPrefix | quote }}
{{- end }}
{{- if $kafka.sasl.mechanism }}
{{- if or (not $kafka.sasl.username) (not $kafka.sasl.passwordSecret) }}
{{- fail "kafka.sasl: a mechanism needs kafka.sasl.username and kafka.sasl.passwordSecret" -}}
{{- end }}
KAFKA_SASL_MECHANISM: {{ $kafka.sasl.mechanism | quote }}
KAFKA_SASL_USERNAME: {{ $kafka.sasl.username | quote }}
{{- end }}
{{- end -}}

{{/* Container env entries for Kafka that are not plain config: the SASL password, the extra CA. */}}
{{- define "aloe.kafkaContainerEnv" -}}
{{- $kafka := .Values.kafka -}}
{{- if $kafka.sasl.mechanism }}
- name: KAFKA_SASL_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $kafka.sasl.passwordSecret }}
      key: {{ $kafka.sasl.passwordKey }}
{{- end }}
{{- if and $kafka.tls.enabled $kafka.tls.caSecret }}
# Read by Node itself: these CAs are trusted beside the system's, for every TLS connection.
- name: NODE_EXTRA_CA_CERTS
  value: {{ printf "/etc/aloe/kafka-ca/%s" $kafka.tls.caKey | quote }}
{{- end }}
{{- end -}}

{{- define "aloe.kafkaVolumeMounts" -}}
{{- if and .Values.kafka.tls.enabled .Values.kafka.tls.caSecret }}
- name: kafka-ca
  mountPath: /etc/aloe/kafka-ca
  readOnly: true
{{- end }}
{{- end -}}

{{- define "aloe.kafkaVolumes" -}}
{{- if and .Values.kafka.tls.enabled .Values.kafka.tls.caSecret }}
- name: kafka-ca
  secret:
    secretName: {{ .Values.kafka.tls.caSecret }}
    items:
      - key: {{ .Values.kafka.tls.caKey }}
        path: {{ .Values.kafka.tls.caKey }}
{{- end }}
{{- end -}}

{{/* A map of variables as ConfigMap data: every value a string. */}}
{{- define "aloe.envData" -}}
{{- range $name, $value := . }}
{{ $name }}: {{ toString $value | quote }}
{{- end }}
{{- end -}}

{{/* The pod-level settings every component shares. Call with (dict "root" $ "values" .Values.<component>). */}}
{{- define "aloe.podCommon" -}}
serviceAccountName: {{ include "aloe.serviceAccountName" .root }}
automountServiceAccountToken: false
{{- with .root.Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
securityContext:
  {{- toYaml .root.Values.podSecurityContext | nindent 2 }}
{{- with .values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
terminationGracePeriodSeconds: {{ .values.terminationGracePeriodSeconds }}
{{- end -}}

{{/*
TLS on the gRPC channel from the guardrails to inference (tls.grpc). Each side's Secret is mounted at
/etc/aloe/grpc-tls with the keys cert-manager writes: tls.crt, tls.key, ca.crt.
*/}}
{{- define "aloe.grpcTls.dir" -}}/etc/aloe/grpc-tls{{- end -}}

{{- define "aloe.grpcTls.check" -}}
{{- $t := .Values.tls.grpc -}}
{{- if $t.enabled }}
{{- if not $t.serverSecret }}
{{- fail "tls.grpc.serverSecret: name the Secret with inference's certificate (tls.crt, tls.key; ca.crt with tls.grpc.mutual)" }}
{{- end }}
{{- if not $t.clientSecret }}
{{- fail "tls.grpc.clientSecret: name the guardrails' Secret (ca.crt, the CA of inference's certificate; tls.crt, tls.key with tls.grpc.mutual)" }}
{{- end }}
{{- end }}
{{- end -}}

{{/* INFERENCE_* variables of the gRPC TLS (ConfigMap data), and the plain-text health port for the probes. */}}
{{- define "aloe.grpcTls.inferenceEnv" -}}
{{- include "aloe.grpcTls.check" . }}
{{- $t := .Values.tls.grpc -}}
{{- if $t.enabled }}
INFERENCE_GRPC_TLS_CERT_FILE: {{ printf "%s/tls.crt" (include "aloe.grpcTls.dir" .) | quote }}
INFERENCE_GRPC_TLS_KEY_FILE: {{ printf "%s/tls.key" (include "aloe.grpcTls.dir" .) | quote }}
{{- if $t.mutual }}
INFERENCE_GRPC_TLS_CLIENT_CA_FILE: {{ printf "%s/ca.crt" (include "aloe.grpcTls.dir" .) | quote }}
{{- end }}
INFERENCE_HEALTH_PORT: {{ .Values.inference.healthPort | quote }}
{{- end }}
{{- end -}}

{{/* GUARDRAILS_INFERENCE_TLS_* variables (ConfigMap data). */}}
{{- define "aloe.grpcTls.guardrailsEnv" -}}
{{- include "aloe.grpcTls.check" . }}
{{- $t := .Values.tls.grpc -}}
{{- if $t.enabled }}
GUARDRAILS_INFERENCE_TLS_CA_FILE: {{ printf "%s/ca.crt" (include "aloe.grpcTls.dir" .) | quote }}
{{- if $t.mutual }}
GUARDRAILS_INFERENCE_TLS_CERT_FILE: {{ printf "%s/tls.crt" (include "aloe.grpcTls.dir" .) | quote }}
GUARDRAILS_INFERENCE_TLS_KEY_FILE: {{ printf "%s/tls.key" (include "aloe.grpcTls.dir" .) | quote }}
{{- end }}
{{- with $t.serverName }}
GUARDRAILS_INFERENCE_TLS_SERVER_NAME: {{ . | quote }}
{{- end }}
{{- end }}
{{- end -}}

{{/* The Secret's volume and its mount. Call with (dict "secret" <name>). */}}
{{- define "aloe.grpcTls.volumeMount" -}}
- name: grpc-tls
  mountPath: {{ include "aloe.grpcTls.dir" . }}
  readOnly: true
{{- end -}}

{{- define "aloe.grpcTls.volume" -}}
- name: grpc-tls
  secret:
    secretName: {{ .secret }}
    # 0440: the key is readable by the pod's group (podSecurityContext.fsGroup) only.
    defaultMode: 288
{{- end -}}

{{/* Pod annotations for a Prometheus that discovers pods by them (metrics.podAnnotations). */}}
{{- define "aloe.metricsAnnotations" -}}
{{- if .root.Values.metrics.podAnnotations }}
prometheus.io/scrape: "true"
prometheus.io/port: {{ .port | quote }}
prometheus.io/path: /metrics
{{- end }}
{{- end -}}
