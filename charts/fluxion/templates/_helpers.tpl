{{/* Shared pieces: every controller's objects are built from these, so a new controller is one small folder. */}}

{{/*
The controllers that exist, as "valuesKey:component-name". A controller joins the generic templates
(ServiceAccount, leader-election Role, NetworkPolicy, metrics) by being listed here.
*/}}
{{- define "fluxion.builtControllers" -}}
sourceController:source-controller kustomizeController:kustomize-controller helmController:helm-controller notificationController:notification-controller imageReflectorController:image-reflector-controller imageAutomationController:image-automation-controller
{{- end }}


{{- define "fluxion.chart" -}}
{{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels of every object; dict: root, component. */}}
{{- define "fluxion.labels" -}}
{{ include "fluxion.selectorLabels" . }}
app.kubernetes.io/part-of: fluxion
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ include "fluxion.chart" .root }}
{{- with .root.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Labels that pick one controller's pods; dict: root, component. */}}
{{- define "fluxion.selectorLabels" -}}
app.kubernetes.io/name: {{ .component }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end }}

{{/*
Cluster-scoped names carry the release namespace, so two installs in two namespaces do not collide;
namespaced objects keep the plain controller name (the artifact URLs name the `source-controller` Service).
*/}}
{{- define "fluxion.clusterScopedName" -}}
fluxion:{{ .root.Release.Namespace }}:{{ .component }}
{{- end }}

{{- define "fluxion.image" -}}
{{ .values.image.repository }}:{{ .values.image.tag | default .root.Chart.AppVersion }}
{{- end }}

{{/* The Lease each controller's Manager elects its leader on (runtime: `<name>-leader-election`). */}}
{{- define "fluxion.leaseName" -}}
{{ .component }}-leader-election
{{- end }}

{{/* Refuse settings that would break at run time rather than at install; dict: root, component, values. */}}
{{- define "fluxion.validateController" -}}
{{- if and (gt (int .values.replicas) 1) (not .values.leaderElection) }}
{{- fail (printf "%s: replicas=%d needs leaderElection=true, or the replicas would reconcile the same objects at once" .component (int .values.replicas)) }}
{{- end }}
{{- end }}

{{/* The runtime's shared flags (packages/runtime/src/flags.ts), from a controller's values. */}}
{{- define "fluxion.runtimeArgs" -}}
- --metrics-addr=:8080
- --health-addr=:9440
- --log-level={{ .values.logLevel }}
- --log-encoding={{ .values.logEncoding }}
- --concurrent={{ .values.concurrent }}
- --watch-all-namespaces={{ .values.watchAllNamespaces }}
{{- with .values.watchLabelSelector }}
- --watch-label-selector={{ . }}
{{- end }}
{{- if .values.leaderElection }}
- --enable-leader-election
{{- end }}
{{- end }}

{{/*
A controller's Deployment; dict: root, component, values, args (its own flags), ports, volumes,
volumeMounts (lists of its own, besides the metrics and health ports and the /tmp emptyDir).
*/}}
{{- define "fluxion.deployment" -}}
{{- include "fluxion.validateController" . }}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .component }}
  namespace: {{ .root.Release.Namespace }}
  labels:
    {{- include "fluxion.labels" . | nindent 4 }}
spec:
  replicas: {{ .values.replicas }}
  selector:
    matchLabels:
      {{- include "fluxion.selectorLabels" . | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "fluxion.labels" . | nindent 8 }}
        {{- with .values.podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      {{- with .values.podAnnotations }}
      annotations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
    spec:
      serviceAccountName: {{ .component }}
      terminationGracePeriodSeconds: {{ .values.terminationGracePeriodSeconds }}
      {{- with .values.priorityClassName }}
      priorityClassName: {{ . }}
      {{- end }}
      {{- with .root.Values.imagePullSecrets }}
      imagePullSecrets:
        {{- range . }}
        - name: {{ . }}
        {{- end }}
      {{- end }}
      securityContext:
        {{- toYaml .root.Values.podSecurityContext | nindent 8 }}
      containers:
        - name: manager
          image: {{ include "fluxion.image" . }}
          imagePullPolicy: {{ .values.image.pullPolicy }}
          args:
            {{- include "fluxion.runtimeArgs" . | nindent 12 }}
            {{- with .args }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
            {{- with .values.extraArgs }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          env:
            # The runtime reads its namespace (Leases, --watch-all-namespaces=false) from here.
            - name: RUNTIME_NAMESPACE
              valueFrom:
                fieldRef:
                  fieldPath: metadata.namespace
            {{- with .values.extraEnv }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          ports:
            {{- with .ports }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
            - name: http-prom
              containerPort: 8080
              protocol: TCP
            - name: healthz
              containerPort: 9440
              protocol: TCP
          livenessProbe:
            httpGet:
              path: /healthz
              port: healthz
          readinessProbe:
            httpGet:
              path: /readyz
              port: healthz
          resources:
            {{- toYaml .values.resources | nindent 12 }}
          securityContext:
            {{- toYaml .root.Values.containerSecurityContext | nindent 12 }}
          volumeMounts:
            {{- with .volumeMounts }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
            - name: tmp
              mountPath: /tmp
      volumes:
        {{- with .volumes }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
        - name: tmp
          {{- with (dig "tmp" "sizeLimit" "" .values) }}
          emptyDir:
            sizeLimit: {{ . }}
          {{- else }}
          emptyDir: {}
          {{- end }}
      {{- with .values.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with .values.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with .values.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
{{- end }}

{{/*
Grants a controller its ClusterRole: cluster-wide, or only in the release namespace when it watches
only that namespace (a RoleBinding to a ClusterRole scopes it there). dict: root, component, values, clusterRole.
*/}}
{{- define "fluxion.roleBinding" -}}
{{- if .values.watchAllNamespaces }}
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: {{ include "fluxion.clusterScopedName" . }}
{{- else }}
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: {{ .component }}
  namespace: {{ .root.Release.Namespace }}
{{- end }}
  labels:
    {{- include "fluxion.labels" . | nindent 4 }}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: {{ .clusterRole }}
subjects:
  - kind: ServiceAccount
    name: {{ .component }}
    namespace: {{ .root.Release.Namespace }}
{{- end }}
