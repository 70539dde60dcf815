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
