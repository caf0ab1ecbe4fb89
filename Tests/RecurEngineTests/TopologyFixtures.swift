/// Hand-written hwloc XML topologies for the tests.
enum TopologyFixtures {
    /// Two packages of two SMT-2 cores with Intel-style OS numbering (the
    /// siblings of PUs 0-3 are 4-7), a `CPUModel`, one 32 MiB L3 per package,
    /// and an allowed cpuset (0x9d) that excludes core 1 (PUs 1 and 5) and
    /// PU 6, as a cgroup cpuset would.
    static let restrictedTwoSocketXML = """
        <?xml version="1.0" encoding="UTF-8"?>
        <!DOCTYPE topology SYSTEM "hwloc2.dtd">
        <topology version="2.0">
          <object type="Machine" os_index="0" cpuset="0x000000ff" complete_cpuset="0x000000ff" allowed_cpuset="0x0000009d" nodeset="0x00000001" complete_nodeset="0x00000001" allowed_nodeset="0x00000001" gp_index="1">
            <object type="NUMANode" os_index="0" cpuset="0x000000ff" complete_cpuset="0x000000ff" nodeset="0x00000001" complete_nodeset="0x00000001" gp_index="2" local_memory="8589934592"/>
            <object type="Package" os_index="0" cpuset="0x00000033" complete_cpuset="0x00000033" nodeset="0x00000001" complete_nodeset="0x00000001" gp_index="3">
              <info name="CPUModel" value="Test CPU   9000  "/>
              <object type="L3Cache" cpuset="0x00000033" complete_cpuset="0x00000033" nodeset="0x00000001" complete_nodeset="0x00000001" gp_index="4" cache_size="33554432" depth="3" cache_linesize="64" cache_associativity="16" cache_type="0">
                <object type="Core" os_index="0" cpuset="0x00000011" complete_cpuset="0x00000011" nodeset="0x00000001" complete_nodeset="0x00000001" gp_index="5">
                  <object type="PU" os_index="0" cpuset="0x00000001" complete_cpuset="0x00000001" nodeset="0x00000001" complete_nodeset="0x00000001" gp_index="6"/>
                  <object type="PU" os_index="4" cpuset="0x00000010" complete_cpuset="0x00000010" nodeset="0x00000001" complete_nodeset="0x00000001" gp_index="7"/>
                </object>
                <object type="Core" os_index="1" cpuset="0x00000022" complete_cpuset="0x00000022" nodeset="0x00000001" complete_nodeset="0x00000001" gp_index="8">
                  <object type="PU" os_index="1" cpuset="0x00000002" complete_cpuset="0x00000002" nodeset="0x00000001" complete_nodeset="0x00000001" gp_index="9"/>
                  <object type="PU" os_index="5" cpuset="0x00000020" complete_cpuset="0x00000020" nodeset="0x00000001" complete_nodeset="0x00000001" gp_index="10"/>
                </object>
              </object>
            </object>
            <object type="Package" os_index="1" cpuset="0x000000cc" complete_cpuset="0x000000cc" nodeset="0x00000001" complete_nodeset="0x00000001" gp_index="11">
              <info name="CPUModel" value="Test CPU 9000"/>
              <object type="L3Cache" cpuset="0x000000cc" complete_cpuset="0x000000cc" nodeset="0x00000001" complete_nodeset="0x00000001" gp_index="12" cache_size="33554432" depth="3" cache_linesize="64" cache_associativity="16" cache_type="0">
                <object type="Core" os_index="2" cpuset="0x00000044" complete_cpuset="0x00000044" nodeset="0x00000001" complete_nodeset="0x00000001" gp_index="13">
                  <object type="PU" os_index="2" cpuset="0x00000004" complete_cpuset="0x00000004" nodeset="0x00000001" complete_nodeset="0x00000001" gp_index="14"/>
                  <object type="PU" os_index="6" cpuset="0x00000040" complete_cpuset="0x00000040" nodeset="0x00000001" complete_nodeset="0x00000001" gp_index="15"/>
                </object>
                <object type="Core" os_index="3" cpuset="0x00000088" complete_cpuset="0x00000088" nodeset="0x00000001" complete_nodeset="0x00000001" gp_index="16">
                  <object type="PU" os_index="3" cpuset="0x00000008" complete_cpuset="0x00000008" nodeset="0x00000001" complete_nodeset="0x00000001" gp_index="17"/>
                  <object type="PU" os_index="7" cpuset="0x00000080" complete_cpuset="0x00000080" nodeset="0x00000001" complete_nodeset="0x00000001" gp_index="18"/>
                </object>
              </object>
            </object>
          </object>
        </topology>
        """
}
