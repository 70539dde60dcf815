{{/*
The guardrails and the FHIR adapter are alike on Kubernetes: a scalable Deployment of a Node HTTP
service (/healthz, /readyz), its ConfigMap and Secret as environment, a Service, and optional
PodDisruptionBudget, HorizontalPodAutoscaler and Ingress. Each is called with
(dict "root" $ "component" "guardrails" "values" .Values.guardrails); "grpcTlsSecret" adds the gRPC TLS
Secret's volume (the guardrails' client side of tls.grpc).
*/}}

{{- define "aloe.http.secretName" -}}
{{- .values.secret.existingSecret | default (include "aloe.componentName" .) -}}
{{- end -}}

{{- define "aloe.http.deployment" -}}
{{- $v := .values -}}
{{- $name := include "aloe.componentName" . -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ $name }}
  labels:
    {{- include "aloe.labels" . | nindent 4 }}
spec:
  {{- if not $v.autoscaling.enabled }}
  replicas: {{ $v.replicas }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "aloe.selectorLabels" . | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "aloe.labels" . | nindent 8 }}
      annotations:
        checksum/config: {{ include (print .root.Template.BasePath "/" .component "/configmap.yaml") .root | sha256sum }}
        checksum/secret: {{ include (print .root.Template.BasePath "/" .component "/secret.yaml") .root | sha256sum }}
        {{- with include "aloe.metricsAnnotations" (dict "root" .root "port" $v.metricsPort) | trim }}
        {{- . | nindent 8 }}
        {{- end }}
    spec:
      {{- include "aloe.podCommon" (dict "root" .root "values" $v) | nindent 6 }}
      containers:
        - name: {{ .component }}
          image: {{ include "aloe.image" (dict "root" .root "repository" $v.image.repository) }}
          imagePullPolicy: {{ .root.Values.image.pullPolicy }}
          envFrom:
            - configMapRef:
                name: {{ $name }}
            - secretRef:
                name: {{ include "aloe.http.secretName" . }}
          {{- with include "aloe.kafkaContainerEnv" .root | trim }}
          env:
            {{- . | nindent 12 }}
          {{- end }}
          ports:
            - name: http
              containerPort: {{ $v.httpPort }}
              protocol: TCP
            - name: metrics
              containerPort: {{ $v.metricsPort }}
              protocol: TCP
          # Start-up: Kafka joins (and, for the guardrails, the audit migrations) come before the HTTP port.
          startupProbe:
            httpGet:
              path: /healthz
              port: http
            periodSeconds: 5
            failureThreshold: 60
          readinessProbe:
            httpGet:
              path: /readyz
              port: http
            periodSeconds: 10
            timeoutSeconds: 5
            failureThreshold: 3
          livenessProbe:
            httpGet:
              path: /healthz
              port: http
            periodSeconds: 20
            timeoutSeconds: 5
            failureThreshold: 3
          resources:
            {{- toYaml $v.resources | nindent 12 }}
          securityContext:
            {{- toYaml .root.Values.containerSecurityContext | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
            {{- with include "aloe.kafkaVolumeMounts" .root | trim }}
            {{- . | nindent 12 }}
            {{- end }}
            {{- if .grpcTlsSecret }}
            {{- include "aloe.grpcTls.volumeMount" .root | nindent 12 }}
            {{- end }}
      volumes:
        - name: tmp
          emptyDir: {}
        {{- with include "aloe.kafkaVolumes" .root | trim }}
        {{- . | nindent 8 }}
        {{- end }}
        {{- with .grpcTlsSecret }}
        {{- include "aloe.grpcTls.volume" (dict "secret" .) | nindent 8 }}
        {{- end }}
{{- end -}}

{{- define "aloe.http.secret" -}}
{{- if not .values.secret.existingSecret }}
apiVersion: v1
kind: Secret
metadata:
  name: {{ include "aloe.componentName" . }}
  labels:
    {{- include "aloe.labels" . | nindent 4 }}
type: Opaque
stringData:
  {{- include "aloe.envData" .values.secret.values | trim | nindent 2 }}
{{- end }}
{{- end -}}

{{- define "aloe.http.service" -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "aloe.componentName" . }}
  labels:
    {{- include "aloe.labels" . | nindent 4 }}
spec:
  type: ClusterIP
  selector:
    {{- include "aloe.selectorLabels" . | nindent 4 }}
  ports:
    - name: http
      port: {{ .values.httpPort }}
      targetPort: http
      protocol: TCP
    - name: metrics
      port: {{ .values.metricsPort }}
      targetPort: metrics
      protocol: TCP
{{- end -}}

{{- define "aloe.http.pdb" -}}
{{- if .values.podDisruptionBudget.enabled }}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "aloe.componentName" . }}
  labels:
    {{- include "aloe.labels" . | nindent 4 }}
spec:
  minAvailable: {{ .values.podDisruptionBudget.minAvailable }}
  selector:
    matchLabels:
      {{- include "aloe.selectorLabels" . | nindent 6 }}
{{- end }}
{{- end -}}

{{- define "aloe.http.hpa" -}}
{{- $a := .values.autoscaling -}}
{{- if $a.enabled }}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "aloe.componentName" . }}
  labels:
    {{- include "aloe.labels" . | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "aloe.componentName" . }}
  minReplicas: {{ $a.minReplicas }}
  maxReplicas: {{ $a.maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ $a.targetCPUUtilizationPercentage }}
{{- end }}
{{- end -}}

{{- define "aloe.http.ingress" -}}
{{- $i := .values.ingress -}}
{{- if $i.enabled }}
{{- if not $i.host }}
{{- fail (printf "%s.ingress.host: name the host the ingress answers" .component) -}}
{{- end }}
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {{ include "aloe.componentName" . }}
  labels:
    {{- include "aloe.labels" . | nindent 4 }}
  {{- with $i.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  {{- with $i.className }}
  ingressClassName: {{ . }}
  {{- end }}
  {{- if $i.tlsSecret }}
  tls:
    - hosts:
        - {{ $i.host }}
      secretName: {{ $i.tlsSecret }}
  {{- end }}
  rules:
    - host: {{ $i.host }}
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: {{ include "aloe.componentName" . }}
                port:
                  name: http
{{- end }}
{{- end -}}
