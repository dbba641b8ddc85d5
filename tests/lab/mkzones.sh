# mkzones.sh: build and sign the lab's zones (sourced by tests/lab/run).
#
# Input, in $LAB_DIR: zones.list (ZONE PARENT SIGNING SERVER, see
# tests/lab/zones/zones.list) and zones/NAME.zone, the records of each zone
# without SOA and apex NS (NAME is the zone without its trailing dot, "root"
# for the root).  Output: nsd/NAME.zone (served), zones.tab (the parsed
# list with depth and server address), keys/, ds/NAME.ds, root.key (the
# trust anchor, DS form) and root.anchor (the same as BIND trust-anchors{}).
#
# Zones are built deepest first, so that every child's DS exists when its
# parent is assembled and signed.

# lab_zone_file ZONE: the file name stem of a zone ("root" for ".").
lab_zone_file() {
	if [ "$1" = . ]; then echo root; else echo "${1%.}"; fi
}

# lab_zone_depth ZONE: the number of labels.
lab_zone_depth() {
	if [ "$1" = . ]; then echo 0; return; fi
	printf '%s' "${1%.}" | awk -F. '{ print NF }'
}

# lab_zones_parse: zones.list -> zones.tab (ZONE PARENT SIGNING ADDR DEPTH
# EXTERNAL), checking each line.
lab_zones_parse() {
	: > "$LAB_DIR/zones.tab"
	n=0
	sed 's/#.*//' "$LAB_DIR/zones.list" | while read -r zone parent signing server extra; do
		n=$((n + 1))
		[ -n "$zone" ] || continue
		if [ -z "$server" ] || [ -n "$extra" ]; then
			echo "zones.list: line \"$zone $parent $signing $server $extra\": want ZONE PARENT SIGNING SERVER" >&2
			return 1
		fi
		case $zone in *.) ;; *)
			echo "zones.list: $zone: zone names end with a dot" >&2; return 1;;
		esac
		case $signing in unsigned|signed|expired|bad-ds|strip-?*) ;; *)
			echo "zones.list: $zone: unknown signing \"$signing\"" >&2; return 1;;
		esac
		depth=$(lab_zone_depth "$zone")
		if [ "$server" = auto ]; then
			addr=127.53.0.$((depth + 1)) ext=no
			if [ ! -f "$LAB_DIR/zones/$(lab_zone_file "$zone").zone" ]; then
				echo "zones.list: $zone: no zone file zones/$(lab_zone_file "$zone").zone" >&2
				return 1
			fi
		else
			addr=$server ext=yes
		fi
		printf '%s %s %s %s %s %s\n' "$zone" "$parent" "$signing" "$addr" "$depth" "$ext" >> "$LAB_DIR/zones.tab"
	done
}

# lab_ds_fields: DS records in presentation form (TTL and class optional)
# on stdin; prints OWNER TAG ALG DIGESTTYPE DIGEST per record.
lab_ds_fields() {
	awk '{ for (i = 2; i <= NF; i++) if ($i == "DS") {
		print $1, $(i + 1), $(i + 2), $(i + 3), $(i + 4); break } }'
}

# lab_keygen ZONE [-k]: make a key in keys/, print its base name (path).
lab_keygen() {
	(cd "$LAB_DIR/keys" && ldns-keygen -a ECDSAP256SHA256 $2 "$1") |
		sed "s|^|$LAB_DIR/keys/|"
}

# lab_zone_assemble ZONE ADDR: print the unsigned zone: SOA, NS, the
# server's address, delegations with glue and DS, then the records.
lab_zone_assemble() {
	zone=$1 addr=$2
	if [ "$zone" = . ]; then ns=a.root-servers.lab.; else ns=ns.$zone; fi
	printf '$TTL 3600\n'
	printf '%s 3600 IN SOA %s hostmaster.%s 1 3600 900 604800 300\n' \
		"$zone" "$ns" "${zone#.}"
	printf '%s 3600 IN NS %s\n%s 3600 IN A %s\n' "$zone" "$ns" "$ns" "$addr"
	while read -r c cparent csigning caddr cdepth cext; do
		[ "$cparent" = "$zone" ] || continue
		printf '%s 3600 IN NS ns.%s\nns.%s 3600 IN A %s\n' "$c" "$c" "$c" "$caddr"
		cds=$LAB_DIR/ds/$(lab_zone_file "$c").ds
		if [ -f "$cds" ]; then
			lab_ds_fields < "$cds" | awk '{ print $1, 3600, "IN DS", $2, $3, $4, $5 }'
		fi
	done < "$LAB_DIR/zones.tab"
	printf '$ORIGIN %s\n' "$zone"
	cat "$LAB_DIR/zones/$(lab_zone_file "$zone").zone"
}

# lab_zone_build ZONE SIGNING ADDR: assemble ZONE into nsd/, signed as
# SIGNING says; leaves the DS for the parent in ds/NAME.ds.
lab_zone_build() {
	zone=$1 signing=$2 addr=$3
	stem=$(lab_zone_file "$zone")
	src=$LAB_DIR/build/$stem.zone out=$LAB_DIR/nsd/$stem.zone
	lab_zone_assemble "$zone" "$addr" > "$src" || return 1
	if [ "$signing" = unsigned ]; then
		cp "$src" "$out"
		return
	fi
	ksk=$(lab_keygen "$zone" -k) && zsk=$(lab_keygen "$zone") || return 1
	# Validity as a real zone's: from yesterday (clock skew) for 30 days.
	inception=$(date -u -d '1 day ago' +%Y%m%d%H%M%S)
	expiration=$(date -u -d '30 days' +%Y%m%d%H%M%S)
	cp "$ksk.ds" "$LAB_DIR/ds/$stem.ds"
	case $signing in
	expired)
		# Expired well beyond validators' clock-skew allowance (1 day).
		inception=$(date -u -d '40 days ago' +%Y%m%d%H%M%S)
		expiration=$(date -u -d '5 days ago' +%Y%m%d%H%M%S);;
	bad-ds)
		# The parent publishes the DS of a key the zone never uses.
		decoy=$(lab_keygen "$zone" -k) || return 1
		cp "$decoy.ds" "$LAB_DIR/ds/$stem.ds";;
	esac
	ldns-signzone -o "$zone" -i "$inception" -e "$expiration" \
		-f "$out.signed" "$src" "$zsk" "$ksk" || {
		echo "ldns-signzone failed for $zone" >&2; return 1; }
	case $signing in
	strip-*)
		type=${signing#strip-}
		awk -v t="$type" '!($4 == "RRSIG" && toupper($5) == toupper(t))' \
			"$out.signed" > "$out";;
	*)
		mv "$out.signed" "$out";;
	esac
	rm -f "$out.signed"
}

# lab_mkzones: build every zone; write the trust anchors.
lab_mkzones() {
	mkdir -p "$LAB_DIR/keys" "$LAB_DIR/ds" "$LAB_DIR/build" "$LAB_DIR/nsd" || return 1
	lab_zones_parse || return 1
	# Every parent must be a listed zone, and no zone listed twice.
	awk '{ zone[$1]++; parent[$1] = $2 }
		END { for (z in zone) {
			if (zone[z] > 1) { print "zones.list: " z " listed twice"; bad = 1 }
			if (parent[z] != "-" && !(parent[z] in zone)) {
				print "zones.list: " z ": parent " parent[z] " is not listed"; bad = 1 }
		} exit bad }' "$LAB_DIR/zones.tab" >&2 || return 1
	sort -k5,5nr "$LAB_DIR/zones.tab" > "$LAB_DIR/zones.order"
	while read -r zone parent signing addr depth ext; do
		[ "$ext" = yes ] && continue
		lab_zone_build "$zone" "$signing" "$addr" || return 1
	done < "$LAB_DIR/zones.order"
	if [ ! -f "$LAB_DIR/ds/root.ds" ]; then
		echo "zones.list: the root zone must be signed" >&2
		return 1
	fi
	cp "$LAB_DIR/ds/root.ds" "$LAB_DIR/root.key"
	# BIND (delv) form: trust-anchors { . static-ds TAG ALG DIGTYPE "HEX"; };
	lab_ds_fields < "$LAB_DIR/root.key" | awk '{
		printf "trust-anchors {\n\t\"%s\" static-ds %s %s %s \"%s\";\n};\n", $1, $2, $3, $4, $5 }' \
		> "$LAB_DIR/root.anchor"
}
