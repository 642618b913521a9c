using System.Globalization;
using System.Text.RegularExpressions;
using Orleans.Hosting.Kubernetes;

namespace MusicCluster.Cluster.Tests.Deployment;

/// <summary>
/// deploy/docker-compose.yml, deploy/k8s/ and the Dockerfiles cannot be run here (no Docker daemon, no Kubernetes),
/// so they are read (YamlDotNet, Dockerfile lines) and checked against the code they deploy: configuration keys,
/// ports, probe paths, image names, Orleans' Kubernetes labels, secrets, the paths the images are built from.
/// </summary>
[Trait("Category", "Deploy")]
public sealed class DeploymentFilesTests
{
    /// <summary>Environment variables that are not configuration keys, and who reads them.</summary>
    private static readonly IReadOnlySet<string> NotConfiguration = new HashSet<string>(StringComparer.Ordinal)
    {
        KubernetesHostingOptions.PodNameEnvironmentVariable,      // Orleans' Kubernetes hosting
        KubernetesHostingOptions.PodNamespaceEnvironmentVariable,
        KubernetesHostingOptions.PodIPEnvironmentVariable,
        "NVIDIA_VISIBLE_DEVICES", "NVIDIA_DRIVER_CAPABILITIES",   // the NVIDIA container runtime
        "DOTNET_CLI_TELEMETRY_OPTOUT", "DOTNET_NOLOGO",           // the SDK, in build stages
        "ASPNETCORE_HTTP_PORTS",                                  // the base image's port, cleared in favour of Urls
    };

    /// <summary>Keys ASP.NET Core reads itself; the hosts set their defaults in appsettings.json.</summary>
    private static readonly IReadOnlySet<string> FrameworkKeys = new HashSet<string>(StringComparer.Ordinal) { "Urls" };

    /// <summary>Settings whose values are the members of an enum of the code.</summary>
    private static readonly IReadOnlyDictionary<string, string> EnumSettings = new Dictionary<string, string>
    {
        ["Cluster:Clustering"] = "ClusteringKind",
        ["Cluster:GrainStorage"] = "GrainStorageKind",
        ["Orleans:Mode"] = "OrleansMode",
        ["MusicCluster:Storage:Kind"] = "BlobStoreKind",
    };

    private static readonly Yaml Compose = Yaml.Load(DeployFiles.ComposeFile);
    private static readonly IReadOnlyList<(string File, Yaml Object)> Kubernetes = DeployFiles.KubernetesObjects();

    [Fact]
    public void Every_configuration_key_the_deploy_files_set_is_in_the_README_table_and_read_by_the_code()
    {
        IReadOnlySet<string> documented = DeployFiles.ReadmeConfigurationKeys();
        var problems = new List<string>();
        var checkedKeys = new HashSet<string>(StringComparer.Ordinal);
        foreach ((string where, string variable) in EnvironmentVariableNames())
        {
            if (NotConfiguration.Contains(variable)) continue;
            string key = variable.Replace("__", ":", StringComparison.Ordinal);
            checkedKeys.Add(key);
            if (!documented.Contains(key)) problems.Add($"{where}: {variable} ({key}) is not in README.md's configuration table");
            bool read = FrameworkKeys.Contains(key)
                ? DeployFiles.ImageProjects.Where(p => p != "Silo").All(p => DeployFiles.Read(p, "appsettings.json").Contains($"\"{key}\"", StringComparison.Ordinal))
                : DeployFiles.CodeReads(key);
            if (!read) problems.Add($"{where}: {variable} ({key}) is read nowhere in the code");
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems.Distinct()));
        Assert.Superset(new HashSet<string> { "Orleans:Mode", "Cluster:Clustering", "Cluster:ConnectionString", "Cluster:GrainStorage",
            "Cluster:Kubernetes", "Cluster:AdvertisedIP", "MusicCluster:Storage:Kind", "MusicCluster:Storage:AzureConnectionString",
            "MusicCluster:AdminPassword", "MusicCluster:Accelerators", "Urls" }, checkedKeys);
    }

    [Fact]
    public void Settings_with_a_fixed_set_of_values_take_values_the_code_accepts()
    {
        var problems = new List<string>();
        int checkedValues = 0;
        foreach (ContainerEnvironment environment in AllEnvironments())
            foreach ((string variable, _) in environment.Variables)
            {
                string? value = environment.Literal(variable);
                if (value is null) continue;
                string key = variable.Replace("__", ":", StringComparison.Ordinal);
                bool ok = true;
                if (EnumSettings.TryGetValue(key, out string? enumName))
                    ok = DeployFiles.EnumMembers(enumName).Contains(value);
                else if (key == "Cluster:Kubernetes")
                    ok = value is "true" or "false";
                else if (key is "Cluster:SiloPort" or "Cluster:GatewayPort" or "MusicCluster:Accelerators" or "MusicCluster:Inference:TorchThreads")
                    ok = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out _);
                else continue;
                checkedValues++;
                if (!ok) problems.Add($"{environment.Where}: {variable}={value} is not a value the code accepts");
            }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.True(checkedValues >= 20, $"only {checkedValues} values checked");
    }

    [Fact]
    public void The_compose_file_runs_Azurite_two_silos_on_Azure_storage_the_client_in_cluster_mode_and_the_dashboard()
    {
        Yaml services = Compose["services"];
        Assert.Contains("azurite", services["azurite"]["image"].Required, StringComparison.Ordinal);
        Assert.True(services["azurite"]["healthcheck"]["test"].Exists, "azurite has no health check");

        List<(string Name, Yaml Service)> silos = ComposeServicesBuiltFrom("Silo/Dockerfile").Where(s => !s.Service["profiles"].Exists).ToList();
        Assert.Equal(2, silos.Count);
        foreach ((string name, Yaml silo) in silos)
        {
            ContainerEnvironment env = DeployFiles.ComposeEnvironment(silo);
            Assert.Equal("AzureTable", env.Literal("Cluster__Clustering"));
            Assert.Equal("AzureBlob", env.Literal("Cluster__GrainStorage"));
            Assert.Equal("AzureBlob", env.Literal("MusicCluster__Storage__Kind"));
            AssertAzuriteConnection(env.Literal("Cluster__ConnectionString"), $"{name} Cluster__ConnectionString", "Table");
            // Grain state falls back to the blob store's connection string (ClusterSettings) when it has none of its own.
            AssertAzuriteConnection(env.Literal("Cluster__GrainStorageConnectionString") ?? env.Literal("MusicCluster__Storage__AzureConnectionString"),
                $"{name} grain storage connection", "Blob");
            AssertAzuriteConnection(env.Literal("MusicCluster__Storage__AzureConnectionString"), $"{name} blob store connection", "Blob");
            Assert.Equal("service_healthy", silo["depends_on"]["azurite"]["condition"].Text);
        }

        ContainerEnvironment client = DeployFiles.ComposeEnvironment(services["client"]);
        Assert.Equal("Client", client.Literal("Orleans__Mode"));
        Assert.Equal("AzureTable", client.Literal("Cluster__Clustering"));
        AssertAzuriteConnection(client.Literal("Cluster__ConnectionString"), "client Cluster__ConnectionString", "Table");
        foreach ((string name, _) in silos)
            Assert.Equal("service_healthy", services["client"]["depends_on"][name]["condition"].Text);

        ContainerEnvironment dashboard = DeployFiles.ComposeEnvironment(services["dashboard"]);
        Assert.Equal("AzureTable", dashboard.Literal("Cluster__Clustering"));
        // The dashboard asks for the web app's admin password.
        Assert.Equal(client.Literal("MusicCluster__AdminPassword"), dashboard.Literal("MusicCluster__AdminPassword"));

        // One cluster: every host has the same identity.
        foreach (string identity in new[] { "Orleans__ClusterId", "Orleans__ServiceId" })
            Assert.Single(new[] { client, dashboard }.Concat(silos.Select(s => DeployFiles.ComposeEnvironment(s.Service)))
                .Select(e => e.Literal(identity) ?? "musiccluster").Distinct());
    }

    [Fact]
    public void Container_ports_are_the_ports_the_hosts_listen_on_by_default()
    {
        int clientPort = DeployFiles.DefaultHttpPort("Client");
        int dashboardPort = DeployFiles.DefaultHttpPort("Dashboard");
        int siloPort = DeployFiles.ClusterSettingsDefault("SiloPort");
        int gatewayPort = DeployFiles.ClusterSettingsDefault("GatewayPort");
        using (var siloSettings = System.Text.Json.JsonDocument.Parse(DeployFiles.Read("Silo", "appsettings.json")))
        {
            System.Text.Json.JsonElement cluster = siloSettings.RootElement.GetProperty("Cluster");
            Assert.Equal(siloPort, cluster.GetProperty("SiloPort").GetInt32());
            Assert.Equal(gatewayPort, cluster.GetProperty("GatewayPort").GetInt32());
        }
        var httpPorts = new Dictionary<string, int> { ["Client"] = clientPort, ["Dashboard"] = dashboardPort };

        // Dockerfiles: EXPOSE, and Urls on every interface at the default port.
        Assert.Equal(new HashSet<int> { siloPort, gatewayPort }, Dockerfile.Of("Silo").ExposedPorts);
        foreach ((string project, int port) in httpPorts)
        {
            Dockerfile file = Dockerfile.Of(project);
            Assert.Equal(new HashSet<int> { port }, file.ExposedPorts);
            Assert.Equal($"http://+:{port}", file.Pairs("ENV", file.FinalStage.Index)["Urls"]);
        }

        // Compose: published container ports and Urls of the web hosts, Orleans ports of the silos.
        foreach ((string project, int port) in httpPorts)
        {
            Yaml service = Compose["services"][project.ToLowerInvariant()];
            Assert.Contains(port, service["ports"].Items.Select(p => int.Parse(p.Required.Split(':')[^1], CultureInfo.InvariantCulture)));
            Assert.Equal($"http://+:{port}", DeployFiles.ComposeEnvironment(service).Literal("Urls"));
        }
        foreach ((_, Yaml silo) in ComposeServicesBuiltFrom("Silo/Dockerfile"))
        {
            ContainerEnvironment env = DeployFiles.ComposeEnvironment(silo);
            Assert.Equal(siloPort.ToString(CultureInfo.InvariantCulture), env.Literal("Cluster__SiloPort") ?? siloPort.ToString(CultureInfo.InvariantCulture));
            Assert.Equal(gatewayPort.ToString(CultureInfo.InvariantCulture), env.Literal("Cluster__GatewayPort") ?? gatewayPort.ToString(CultureInfo.InvariantCulture));
        }

        // Kubernetes: declared container ports, and the Services' target ports name declared ports.
        int siloContainers = 0;
        foreach ((Yaml deployment, Yaml container, string project) in KubernetesContainers())
        {
            IReadOnlyDictionary<string, int> ports = NamedPorts(container);
            ContainerEnvironment env = DeployFiles.KubernetesEnvironment(container);
            if (project == "Silo")
            {
                siloContainers++;
                Assert.Equal(siloPort, ports["silo"]);
                Assert.Equal(gatewayPort, ports["gateway"]);
                Assert.Equal(siloPort.ToString(CultureInfo.InvariantCulture), env.Literal("Cluster__SiloPort") ?? siloPort.ToString(CultureInfo.InvariantCulture));
                Assert.Equal(gatewayPort.ToString(CultureInfo.InvariantCulture), env.Literal("Cluster__GatewayPort") ?? gatewayPort.ToString(CultureInfo.InvariantCulture));
            }
            else
            {
                Assert.Equal(httpPorts[project], ports["http"]);
                Assert.Equal($"http://+:{httpPorts[project]}", env.Literal("Urls") ?? $"http://+:{httpPorts[project]}");
            }
        }
        Assert.Equal(2, siloContainers);
        foreach (Yaml service in Kubernetes.OfKind("Service"))
        {
            Yaml pod = Assert.Single(PodsSelectedBy(service["spec"]["selector"]));
            var declared = pod["spec"]["containers"].Items.SelectMany(c => NamedPorts(c)).ToDictionary(p => p.Key, p => p.Value);
            foreach (Yaml port in service["spec"]["ports"].Items)
            {
                string target = port["targetPort"].Required;
                Assert.True(declared.ContainsKey(target) || declared.ContainsValue(int.Parse(target, CultureInfo.InvariantCulture)),
                    $"Service {DeployFiles.NameOf(service)} targets port {target}, which its pods do not declare");
            }
        }
    }

    [Fact]
    public void Health_checks_and_probes_ask_paths_the_hosts_map_on_ports_they_listen_on()
    {
        int gatewayPort = DeployFiles.ClusterSettingsDefault("GatewayPort");
        // Compose health checks: the web hosts' /healthz, the silos' gateway (the silo serves no HTTP).
        foreach (string project in new[] { "Client", "Dashboard" })
        {
            string test = string.Join(" ", Compose["services"][project.ToLowerInvariant()]["healthcheck"]["test"].Items.Select(i => i.Required));
            Assert.Contains("GET /healthz ", test, StringComparison.Ordinal);
            Assert.True(DeployFiles.ProjectMapsPath(project, "/healthz"), $"{project} maps no /healthz");
            Assert.Equal(DeployFiles.DefaultHttpPort(project), TcpPortIn(test));
        }
        foreach ((string name, Yaml silo) in ComposeServicesBuiltFrom("Silo/Dockerfile"))
            Assert.Equal(gatewayPort, TcpPortIn(string.Join(" ", silo["healthcheck"]["test"].Items.Select(i => i.Required))));

        // Kubernetes probes: HTTP paths the image's project maps, on ports the container declares.
        int httpProbes = 0;
        foreach ((Yaml deployment, Yaml container, string project) in KubernetesContainers())
        {
            IReadOnlyDictionary<string, int> ports = NamedPorts(container);
            Assert.True(container["readinessProbe"].Exists, $"{container.Path} has no readiness probe");
            Assert.True(container["livenessProbe"].Exists, $"{container.Path} has no liveness probe");
            foreach (string kind in new[] { "startupProbe", "readinessProbe", "livenessProbe" })
            {
                Yaml probe = container[kind];
                if (!probe.Exists) continue;
                Yaml handler = probe["httpGet"].Exists ? probe["httpGet"] : probe["tcpSocket"];
                Assert.True(handler.Exists, $"{probe.Path}: neither httpGet nor tcpSocket");
                string port = handler["port"].Required;
                Assert.True(ports.ContainsKey(port) || ports.Values.Contains(int.Parse(port, CultureInfo.InvariantCulture)), $"{probe.Path}: port {port} is not declared");
                if (probe["httpGet"].Exists)
                {
                    httpProbes++;
                    string path = handler["path"].Required;
                    Assert.True(DeployFiles.ProjectMapsPath(project, path), $"{probe.Path}: {project} maps no {path}");
                }
            }
        }
        Assert.True(httpProbes >= 5, $"only {httpProbes} HTTP probes");
    }

    [Fact]
    public void Silo_pods_carry_the_labels_environment_and_permissions_of_Orleans_Kubernetes_hosting()
    {
        int shutdownSeconds = DeployFiles.ShutdownTimeoutSeconds("Silo", "Program.cs");
        Assert.Contains("UseKubernetesHosting()", DeployFiles.Read("Silo", "Program.cs"), StringComparison.Ordinal);
        var siloServiceAccounts = new HashSet<string>(StringComparer.Ordinal);
        var identities = new HashSet<(string, string)>();
        List<(Yaml Deployment, Yaml Container, string Project)> containers = KubernetesContainers().ToList();
        foreach ((Yaml deployment, Yaml container, _) in containers.Where(c => c.Project == "Silo"))
        {
            Yaml pod = deployment["spec"]["template"];
            string serviceId = pod["metadata"]["labels"][KubernetesHostingOptions.ServiceIdLabel].Required;
            string clusterId = pod["metadata"]["labels"][KubernetesHostingOptions.ClusterIdLabel].Required;
            identities.Add((serviceId, clusterId));

            ContainerEnvironment env = DeployFiles.KubernetesEnvironment(container);
            Assert.Equal("true", env.Literal("Cluster__Kubernetes"));
            Assert.Equal("metadata.name", env.FieldPath(KubernetesHostingOptions.PodNameEnvironmentVariable));
            Assert.Equal("metadata.namespace", env.FieldPath(KubernetesHostingOptions.PodNamespaceEnvironmentVariable));
            Assert.Equal("status.podIP", env.FieldPath(KubernetesHostingOptions.PodIPEnvironmentVariable));
            // The silo's cluster identity is read from its own labels, so the two cannot disagree.
            Assert.Equal($"metadata.labels['{KubernetesHostingOptions.ServiceIdLabel}']", env.FieldPath("Orleans__ServiceId"));
            Assert.Equal($"metadata.labels['{KubernetesHostingOptions.ClusterIdLabel}']", env.FieldPath("Orleans__ClusterId"));

            int grace = int.Parse(pod["spec"]["terminationGracePeriodSeconds"].Required, CultureInfo.InvariantCulture);
            Assert.True(grace > shutdownSeconds,
                $"{DeployFiles.NameOf(deployment)}: terminationGracePeriodSeconds {grace} leaves the silo no time beyond its {shutdownSeconds} s shutdown");
            siloServiceAccounts.Add(pod["spec"]["serviceAccountName"].Required);
        }
        Assert.Single(identities);

        // The clients join the same cluster, and carry no orleans/* labels (the hosting watches labelled pods as silos).
        foreach ((Yaml deployment, Yaml container, string project) in containers.Where(c => c.Project != "Silo"))
        {
            ContainerEnvironment env = DeployFiles.KubernetesEnvironment(container);
            Assert.Equal(identities.Single(), (env.Literal("Orleans__ServiceId") ?? "musiccluster", env.Literal("Orleans__ClusterId") ?? "musiccluster"));
            Assert.DoesNotContain(deployment["spec"]["template"]["metadata"]["labels"].Entries, l => l.Key.StartsWith("orleans/", StringComparison.Ordinal));
            if (project == "Client")
                Assert.True(int.Parse(deployment["spec"]["template"]["spec"]["terminationGracePeriodSeconds"].Required, CultureInfo.InvariantCulture)
                    > DeployFiles.ShutdownTimeoutSeconds("Client", "Hosting", "OrleansHosting.cs"));
        }

        // RBAC: the silos' service account may read, list, watch, label and delete pods.
        string account = Assert.Single(siloServiceAccounts);
        Assert.Contains(Kubernetes.OfKind("ServiceAccount"), a => DeployFiles.NameOf(a) == account);
        Yaml binding = Assert.Single(Kubernetes.OfKind("RoleBinding"), b => b["subjects"].Items.Any(s => s["kind"].Text == "ServiceAccount" && s["name"].Text == account));
        Yaml role = Assert.Single(Kubernetes.OfKind("Role"), r => DeployFiles.NameOf(r) == binding["roleRef"]["name"].Required);
        Yaml podRule = Assert.Single(role["rules"].Items, r => r["resources"].Items.Any(i => i.Text == "pods"));
        Assert.Superset(new HashSet<string> { "get", "list", "watch", "patch", "delete" }, podRule["verbs"].Items.Select(v => v.Required).ToHashSet());

        // A PodDisruptionBudget covers every silo pod, CPU and GPU.
        Yaml budget = Assert.Single(Kubernetes.OfKind("PodDisruptionBudget"));
        List<Yaml> covered = PodsSelectedBy(budget["spec"]["selector"]["matchLabels"]).ToList();
        Assert.Equal(containers.Count(c => c.Project == "Silo"), covered.Count);
        Assert.All(covered, pod => Assert.True(pod["metadata"]["labels"][KubernetesHostingOptions.ServiceIdLabel].Exists));
    }

    [Fact]
    public void The_GPU_silo_asks_for_GPUs_on_the_GPU_node_pool_and_offers_as_many_to_training_runs()
    {
        string siloImage = Dockerfile.Of("Silo").ImageTitle;
        List<(Yaml Deployment, Yaml Container, string Project)> silos = KubernetesContainers().Where(c => c.Project == "Silo").ToList();
        (Yaml gpuDeployment, Yaml gpu, _) = Assert.Single(silos, s => s.Container["resources"]["limits"]["nvidia.com/gpu"].Exists);
        int gpus = int.Parse(gpu["resources"]["limits"]["nvidia.com/gpu"].Required, CultureInfo.InvariantCulture);
        Assert.True(gpus >= 1);
        Assert.Equal(gpus.ToString(CultureInfo.InvariantCulture), DeployFiles.KubernetesEnvironment(gpu).Literal("MusicCluster__Accelerators"));
        Assert.Equal($"{siloImage}-gpu", DeployFiles.ImageName(gpu["image"].Required));
        Yaml podSpec = gpuDeployment["spec"]["template"]["spec"];
        Assert.NotEmpty(podSpec["nodeSelector"].Entries);
        Assert.Contains(podSpec["tolerations"].Items, t => t["key"].Text == "nvidia.com/gpu" && t["effect"].Text == "NoSchedule");
        // One GPU per pod: a roll-out must not wait for a second GPU while the old pod holds the first.
        Assert.Equal("0", gpuDeployment["spec"]["strategy"]["rollingUpdate"]["maxSurge"].Text);

        (_, Yaml cpu, _) = Assert.Single(silos, s => !s.Container["resources"]["limits"]["nvidia.com/gpu"].Exists);
        Assert.Equal("0", DeployFiles.KubernetesEnvironment(cpu).Literal("MusicCluster__Accelerators"));
        Assert.Equal(siloImage, DeployFiles.ImageName(cpu["image"].Required));

        // The GPU image is Silo/Dockerfile with another libtorch package; by default it builds the one Music references.
        Dockerfile dockerfile = Dockerfile.Of("Silo");
        DockerStage build = dockerfile.Stages.Single(s => s.Name == "build");
        string? defaultPackage = dockerfile.Args(build.Index)["LIBTORCH_PACKAGE"];
        Assert.Equal("libtorch-cpu-linux-x64", defaultPackage);
        // Directory.Packages.props: libtorch-cpu-{runtime}, and a Linux build without -r (the image's) takes linux-x64.
        string packages = DeployFiles.Read("Directory.Packages.props");
        Assert.Contains("<LibTorchPackage Condition=\"'$(LibTorchPackage)' == ''\">libtorch-cpu-$(LibTorchRuntime)</LibTorchPackage>", packages, StringComparison.Ordinal);
        Assert.Contains("<LibTorchRuntime Condition=\"'$(LibTorchRuntime)' == ''\">linux-x64</LibTorchRuntime>", packages, StringComparison.Ordinal);
        Assert.Contains("<PackageReference Include=\"$(LibTorchPackage)\" />", DeployFiles.Read("Music", "Music.csproj"), StringComparison.Ordinal);
        Assert.Contains(dockerfile.RunMatches(build.Index, @"dotnet publish .*-p:LibTorchPackage=\$\{LIBTORCH_PACKAGE\}"), _ => true);
        (_, Yaml composeGpu) = Assert.Single(ComposeServicesBuiltFrom("Silo/Dockerfile"), s => s.Service["build"]["args"].Exists);
        Assert.StartsWith("libtorch-cuda", composeGpu["build"]["args"]["LIBTORCH_PACKAGE"].Required, StringComparison.Ordinal);
        Assert.Equal($"{siloImage}-gpu", DeployFiles.ImageName(composeGpu["image"].Required));
        Assert.Equal("nvidia", Assert.Single(composeGpu["deploy"]["resources"]["reservations"]["devices"].Items)["driver"].Text);
    }

    [Fact]
    public void Secrets_the_manifests_use_exist_with_their_keys_and_stay_out_of_the_repository()
    {
        Yaml kustomization = Yaml.Load(Path.Combine(DeployFiles.KubernetesFolder, "kustomization.yaml"));
        var secrets = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        foreach (Yaml generator in kustomization["secretGenerator"].Items)
        {
            var keys = new HashSet<string>(StringComparer.Ordinal);
            foreach (Yaml envFile in generator["envs"].Items)
            {
                // The real file is git-ignored; its example, committed, names the keys.
                string file = envFile.Required;
                Assert.Contains($"deploy/k8s/{file}", DeployFiles.Read(".gitignore").Split('\n').Select(l => l.Trim()));
                string example = Path.Combine(DeployFiles.KubernetesFolder, file + ".example");
                Assert.True(File.Exists(example), $"{file}.example is missing beside kustomization.yaml");
                foreach (string line in File.ReadAllLines(example).Where(l => l.Contains('=') && !l.TrimStart().StartsWith('#')))
                    keys.Add(line.Split('=', 2)[0].Trim());
            }
            secrets[generator["name"].Required] = keys;
        }
        foreach (Yaml secret in Kubernetes.OfKind("Secret"))
            secrets[DeployFiles.NameOf(secret)] = secret["stringData"].Entries.Concat(secret["data"].Entries).Select(e => e.Key).ToHashSet();

        int references = 0;
        foreach ((_, Yaml container, _) in KubernetesContainers())
        {
            ContainerEnvironment env = DeployFiles.KubernetesEnvironment(container);
            foreach ((string variable, _) in env.Variables)
            {
                Assert.DoesNotContain("AccountKey=", env.Literal(variable) ?? "", StringComparison.Ordinal);
                if (env.SecretKey(variable) is not { } reference) continue;
                references++;
                Assert.True(secrets.TryGetValue(reference.Name, out IReadOnlySet<string>? keys),
                    $"{container.Path}: {variable} uses secret {reference.Name}, which is not defined");
                Assert.True(keys.Contains(reference.Key), $"{container.Path}: {variable} uses key {reference.Key}, which secret {reference.Name} lacks");
            }
        }
        Assert.True(references >= 7, $"only {references} secret references");
        var clientEnv = DeployFiles.KubernetesEnvironment(KubernetesContainers().Single(c => c.Project == "Client").Container);
        Assert.NotNull(clientEnv.SecretKey("MusicCluster__AdminPassword"));
        Assert.NotNull(clientEnv.SecretKey("Cluster__ConnectionString"));
        // The dashboard asks for the web app's admin password: the same secret.
        var dashboardEnv = DeployFiles.KubernetesEnvironment(KubernetesContainers().Single(c => c.Project == "Dashboard").Container);
        Assert.Equal(clientEnv.SecretKey("MusicCluster__AdminPassword"), dashboardEnv.SecretKey("MusicCluster__AdminPassword"));
    }

    [Fact]
    public void Image_names_in_the_compose_file_and_the_manifests_are_the_images_the_Dockerfiles_build()
    {
        var built = new Dictionary<string, string>(StringComparer.Ordinal); // image name -> project
        foreach ((string name, Yaml service) in Compose["services"].Entries.Where(s => s.Value["build"].Exists))
        {
            string context = Path.GetFullPath(Path.Combine(DeployFiles.Root, "deploy", service["build"]["context"].Required));
            Assert.Equal(Path.GetFullPath(DeployFiles.Root).TrimEnd(Path.DirectorySeparatorChar), context.TrimEnd(Path.DirectorySeparatorChar));
            string dockerfilePath = service["build"]["dockerfile"].Required;
            string project = Assert.Single(DeployFiles.ImageProjects, p => dockerfilePath == $"{p}/Dockerfile");
            string title = Dockerfile.Of(project).ImageTitle;
            bool variant = service["build"]["args"].Exists;
            string image = DeployFiles.ImageName(service["image"].Required);
            Assert.Equal(variant ? $"{title}-gpu" : title, image);
            built[image] = project;
        }
        Assert.Equal(DeployFiles.ImageProjects.Select(p => Dockerfile.Of(p).ImageTitle).Append("musiccluster/silo-gpu").Order(),
            built.Keys.Order());

        // Every manifest image is one of them, and kustomization.yaml can point each at a registry.
        var kustomizationImages = Yaml.Load(Path.Combine(DeployFiles.KubernetesFolder, "kustomization.yaml"))["images"].Items
            .Select(i => i["name"].Required).ToHashSet(StringComparer.Ordinal);
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (Yaml deployment in Kubernetes.OfKind("Deployment"))
            foreach (Yaml container in deployment["spec"]["template"]["spec"]["containers"].Items)
            {
                string image = DeployFiles.ImageName(container["image"].Required);
                Assert.True(built.ContainsKey(image), $"{container.Path}: image {image} is built by no Dockerfile");
                Assert.Contains(image, kustomizationImages);
                used.Add(image);
            }
        Assert.Equal(built.Keys.Order(), used.Order());
    }

    [Fact]
    public void Each_Dockerfile_copies_paths_that_exist_publishes_its_project_and_starts_its_assembly_as_a_non_root_user()
    {
        foreach (string project in DeployFiles.ImageProjects)
        {
            Dockerfile file = Dockerfile.Of(project);
            string where = file.RelativePath;
            DockerStage build = Assert.Single(file.Stages, s => s.Name == "build");
            DockerStage final = file.FinalStage;
            Assert.StartsWith("mcr.microsoft.com/dotnet/sdk:", build.Image, StringComparison.Ordinal);
            Assert.StartsWith("mcr.microsoft.com/dotnet/aspnet:", final.Image, StringComparison.Ordinal);
            // The native fix decides by the build stage's libstdc++: both stages must be the same distribution.
            Assert.Equal(build.Image.Split(':')[1], final.Image.Split(':')[1]);

            // Sources copied from the build context exist.
            IReadOnlyList<DockerCopy> copies = file.Copies;
            var copied = copies.Where(c => c.From is null).SelectMany(c => c.Sources).ToList();
            foreach (string source in copied)
                Assert.True(File.Exists(Path.Combine(DeployFiles.Root, source)) || Directory.Exists(Path.Combine(DeployFiles.Root, source)),
                    $"{where}: COPY {source}: no such file or folder in the repository");

            // It publishes its own project, and everything that project builds from is copied in.
            Match publish = Assert.Single(file.RunMatches(build.Index, @"dotnet publish (\S+\.csproj)\b.*-o (\S+)"));
            Assert.Equal($"{project}/{project}.csproj", publish.Groups[1].Value);
            foreach (string needed in BuildInputs($"{project}/{project}.csproj"))
                Assert.True(copied.Any(c => needed == c.TrimEnd('/') || needed.StartsWith(c.TrimEnd('/') + "/", StringComparison.Ordinal)),
                    $"{where}: {needed} is needed to build {project} but is not copied");

            // The final stage takes the publish output and starts the project's assembly.
            DockerCopy output = Assert.Single(copies, c => c.Stage == final.Index && c.From == "build");
            Assert.Equal(publish.Groups[2].Value, Assert.Single(output.Sources));
            string assembly = Regex.Match(DeployFiles.Read(project, $"{project}.csproj"), "<AssemblyName>([^<]+)</AssemblyName>").Groups[1].Value;
            Assert.Equal(new[] { "dotnet", $"{assembly}.dll" }, file.Entrypoint);

            // Not root: USER names the .NET images' app user.
            DockerInstruction user = Assert.Single(file.All("USER"));
            Assert.Equal(final.Index, user.Stage);
            Assert.True(user.Arguments is "$APP_UID" or "app", $"{where}: USER {user.Arguments} is not the non-root app user");
        }

        // The Client's front-end packages come from a node stage whose stamp tells Client.csproj's NpmInstall target
        // they are installed (the SDK image has no npm).
        string stamp = Regex.Match(DeployFiles.Read("Client", "Client.csproj"), "Name=\"NpmInstall\"[^>]*Outputs=\"([^\"]+)\"").Groups[1].Value;
        Assert.Equal("node_modules/.install-stamp", stamp);
        Dockerfile client = Dockerfile.Of("Client");
        DockerStage frontend = Assert.Single(client.Stages, s => s.Image.StartsWith("node:", StringComparison.Ordinal));
        Assert.Contains(client.RunMatches(frontend.Index, $@"npm ci .*touch {Regex.Escape(stamp)}"), _ => true);
        Assert.Contains(client.Copies, c => c.From == frontend.Name && c.Destination == "Client/node_modules");
    }

    [Fact]
    public void The_docker_ignore_file_keeps_build_outputs_out_and_everything_the_Dockerfiles_copy_in()
    {
        string[] patterns = File.ReadAllLines(Path.Combine(DeployFiles.Root, ".dockerignore"))
            .Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToArray();
        Assert.Superset(new HashSet<string> { "**/bin/", "**/obj/", "**/node_modules/" }, patterns.ToHashSet());
        Regex[] ignored = patterns.Where(p => !p.StartsWith('!')).Select(IgnorePattern).ToArray();
        bool Excluded(string relative)
        {
            // A path is left out when a pattern matches it or a folder above it. Case-insensitive: Docker on
            // Windows and macOS file systems.
            string[] parts = relative.Split('/');
            return Enumerable.Range(1, parts.Length).Any(n => ignored.Any(r => r.IsMatch(string.Join('/', parts[..n]))));
        }
        Assert.True(Excluded("Silo/bin/Debug/net10.0/MusicCluster.Silo.dll"));
        Assert.True(Excluded("Client/node_modules/bootstrap/package.json"));

        foreach (string project in DeployFiles.ImageProjects)
            foreach (string source in Dockerfile.Of(project).Copies.Where(c => c.From is null).SelectMany(c => c.Sources))
            {
                IReadOnlyList<string> files = TrackedFiles(source);
                Assert.NotEmpty(files);
                foreach (string file in files)
                    Assert.False(Excluded(file), $"{project}/Dockerfile copies {file}, which .dockerignore leaves out of the build context");
            }
    }

    [Fact]
    public void The_kustomization_lists_every_manifest_and_each_Deployment_selects_only_its_own_pods()
    {
        Yaml kustomization = Yaml.Load(Path.Combine(DeployFiles.KubernetesFolder, "kustomization.yaml"));
        string[] resources = kustomization["resources"].Items.Select(r => r.Required).ToArray();
        string[] manifests = Directory.GetFiles(DeployFiles.KubernetesFolder, "*.yaml").Select(f => Path.GetFileName(f)).Where(f => f != "kustomization.yaml").ToArray();
        Assert.Equal(manifests.Order(StringComparer.Ordinal), resources.Order(StringComparer.Ordinal));

        List<Yaml> deployments = Kubernetes.OfKind("Deployment").ToList();
        Assert.Equal(4, deployments.Count);
        foreach (Yaml deployment in deployments)
        {
            Yaml pod = Assert.Single(PodsSelectedBy(deployment["spec"]["selector"]["matchLabels"]));
            Assert.Same(deployment["spec"]["template"].Value, pod.Value);
            Assert.Equal("true", pod["spec"]["securityContext"]["runAsNonRoot"].Text);
        }
        Yaml ingress = Assert.Single(Kubernetes.OfKind("Ingress"));
        Yaml backend = Assert.Single(ingress["spec"]["rules"].Items.SelectMany(r => r["http"]["paths"].Items))["backend"]["service"];
        Yaml service = Assert.Single(Kubernetes.OfKind("Service"), s => DeployFiles.NameOf(s) == backend["name"].Required);
        Assert.Contains(service["spec"]["ports"].Items, p => p["name"].Text == backend["port"]["name"].Text);
        Assert.Equal("Client", ProjectOfImage(Assert.Single(Assert.Single(PodsSelectedBy(service["spec"]["selector"]))["spec"]["containers"].Items)["image"].Required));
    }

    [Fact]
    public void Every_host_exports_OpenTelemetry_over_OTLP_to_a_receiver_the_deploy_files_provide()
    {
        const string endpoint = "OTEL_EXPORTER_OTLP_ENDPOINT";
        Assert.True(DeployFiles.CodeReads(endpoint), $"{endpoint} is read nowhere in the code");

        // Compose: the silos, the client and the dashboard send to the Aspire dashboard service's OTLP/gRPC port.
        Yaml services = Compose["services"];
        (string receiverName, Yaml receiver) = Assert.Single(services.Entries, s => s.Value["image"].Text?.Contains("aspire-dashboard", StringComparison.Ordinal) == true);
        Assert.Contains("18889", receiver["expose"].Items.Select(p => p.Required)); // the dashboard's OTLP/gRPC port
        Assert.Contains(receiver["ports"].Items, p => p.Required.EndsWith(":18888", StringComparison.Ordinal)); // its UI
        var hosts = services.Entries.Where(s => s.Value["build"].Exists).ToList();
        // Every image's project runs among them (two CPU silos and the GPU silo, the client, the dashboard).
        Assert.Equal(DeployFiles.ImageProjects.Select(p => $"{p}/Dockerfile").Order(StringComparer.Ordinal),
            hosts.Select(h => h.Value["build"]["dockerfile"].Required).Distinct().Order(StringComparer.Ordinal));
        foreach ((string name, Yaml service) in hosts)
            Assert.Equal($"http://{receiverName}:18889", DeployFiles.ComposeEnvironment(service).Literal(endpoint));

        // Kubernetes: every container of every Deployment takes the endpoint from the ConfigMap kustomization generates.
        Yaml generated = Assert.Single(Yaml.Load(Path.Combine(DeployFiles.KubernetesFolder, "kustomization.yaml"))["configMapGenerator"].Items);
        int containers = 0;
        foreach ((_, Yaml container, _) in KubernetesContainers())
        {
            Yaml reference = DeployFiles.KubernetesEnvironment(container).Variables.TryGetValue(endpoint, out Yaml? v)
                ? v["valueFrom"]["configMapKeyRef"]
                : throw new Xunit.Sdk.XunitException($"{container.Path} sets no {endpoint}");
            Assert.Equal(generated["name"].Required, reference["name"].Required);
            Assert.Contains(generated["literals"].Items, l => l.Required.StartsWith(reference["key"].Required + "=", StringComparison.Ordinal));
            containers++;
        }
        Assert.True(containers >= 4, $"only {containers} containers");
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    private static IEnumerable<(string Where, string Variable)> EnvironmentVariableNames()
    {
        foreach (ContainerEnvironment environment in AllEnvironments())
            foreach (string name in environment.Variables.Keys) yield return (environment.Where, name);
        foreach (string project in DeployFiles.ImageProjects)
        {
            Dockerfile file = Dockerfile.Of(project);
            foreach (DockerStage stage in file.Stages)
                foreach (string name in file.Pairs("ENV", stage.Index).Keys) yield return (file.RelativePath, name);
        }
    }

    private static IEnumerable<ContainerEnvironment> AllEnvironments()
    {
        foreach ((_, Yaml service) in Compose["services"].Entries) yield return DeployFiles.ComposeEnvironment(service);
        foreach ((_, Yaml container, _) in KubernetesContainers()) yield return DeployFiles.KubernetesEnvironment(container);
    }

    private static IEnumerable<(string Name, Yaml Service)> ComposeServicesBuiltFrom(string dockerfile) =>
        Compose["services"].Entries.Where(s => s.Value["build"]["dockerfile"].Text == dockerfile);

    /// <summary>Every container of every Deployment, with the project its image is built from.</summary>
    private static IEnumerable<(Yaml Deployment, Yaml Container, string Project)> KubernetesContainers() =>
        from deployment in Kubernetes.OfKind("Deployment")
        from container in deployment["spec"]["template"]["spec"]["containers"].Items
        select (deployment, container, ProjectOfImage(container["image"].Required));

    private static string ProjectOfImage(string image)
    {
        string name = DeployFiles.ImageName(image);
        return DeployFiles.ImageProjects.SingleOrDefault(p => Dockerfile.Of(p).ImageTitle is { } title && (name == title || name == $"{title}-gpu"))
            ?? throw new Xunit.Sdk.XunitException($"image {image} is built by none of {string.Join(", ", DeployFiles.ImageProjects)}/Dockerfile");
    }

    private static IReadOnlyDictionary<string, int> NamedPorts(Yaml container) =>
        container["ports"].Items.ToDictionary(p => p["name"].Required, p => int.Parse(p["containerPort"].Required, CultureInfo.InvariantCulture));

    /// <summary>The pod templates of the Deployments whose labels include every label of a selector.</summary>
    private static IEnumerable<Yaml> PodsSelectedBy(Yaml selector)
    {
        var wanted = selector.Entries.ToDictionary(e => e.Key, e => e.Value.Required);
        Assert.NotEmpty(wanted);
        return Kubernetes.OfKind("Deployment").Select(d => d["spec"]["template"])
            .Where(pod => wanted.All(w => pod["metadata"]["labels"][w.Key].Text == w.Value));
    }

    private static void AssertAzuriteConnection(string? connection, string what, string service)
    {
        Assert.False(string.IsNullOrEmpty(connection), $"{what} is not set");
        Assert.Contains($"{service}Endpoint=http://azurite:", connection, StringComparison.Ordinal);
    }

    private static int TcpPortIn(string command)
    {
        Match m = Regex.Match(command, @"/dev/tcp/[^/\s]+/(\d+)");
        Assert.True(m.Success, $"no /dev/tcp/host/port in '{command}'");
        return int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    /// <summary>What building a project reads: its project file and folder, those of the projects it references, files it compiles in from elsewhere, and the repository's build
    /// files.</summary>
    private static IEnumerable<string> BuildInputs(string projectFile)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Queue<string>([projectFile]);
        yield return "global.json";
        yield return "Directory.Build.props";
        yield return "Directory.Build.targets";
        yield return "Directory.Packages.props";
        yield return "build/PatchLibTorchSharp.cs"; // Directory.Build.targets' inline task
        while (pending.TryDequeue(out string? current))
        {
            if (!seen.Add(current)) continue;
            string folder = Path.GetDirectoryName(current)!.Replace('\\', '/');
            yield return current;
            yield return folder; // the project's sources
            string text = DeployFiles.Read(current);
            foreach (Match m in Regex.Matches(text, "<ProjectReference Include=\"([^\"]+)\""))
                pending.Enqueue(Normalize(folder, m.Groups[1].Value));
            foreach (Match m in Regex.Matches(text, "<Compile Include=\"(\\.\\.[^\"]+)\""))
                yield return Normalize(folder, m.Groups[1].Value);
        }
    }

    /// <summary>The files of the repository (git ls-files) at or under a path: what a fresh clone's build context holds.</summary>
    private static IReadOnlyList<string> TrackedFiles(string path)
    {
        var git = new System.Diagnostics.ProcessStartInfo("git") { WorkingDirectory = DeployFiles.Root, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string argument in new[] { "ls-files", "-z", "--", path.TrimEnd('/') }) git.ArgumentList.Add(argument);
        using var process = System.Diagnostics.Process.Start(git)!;
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
        return output.Split('\0', StringSplitOptions.RemoveEmptyEntries);
    }

    private static string Normalize(string folder, string relative) =>
        Path.GetRelativePath(DeployFiles.Root, Path.GetFullPath(Path.Combine(DeployFiles.Root, folder, relative.Replace('\\', '/')))).Replace('\\', '/');

    /// <summary>A .dockerignore pattern as a regex over slash-separated paths from the context root.</summary>
    private static Regex IgnorePattern(string pattern)
    {
        string body = Regex.Escape(pattern.Trim('/'))
            .Replace(@"\*\*/", "(.*/)?", StringComparison.Ordinal)
            .Replace(@"\*\*", ".*", StringComparison.Ordinal)
            .Replace(@"\*", "[^/]*", StringComparison.Ordinal)
            .Replace(@"\?", "[^/]", StringComparison.Ordinal);
        return new Regex($"^{body}$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    }
}
