# Boots, checks the kernel has what the kernel data path needs, powers off.
uname -r
for m in esp4 xfrm_user l2tp_ppp l2tp_netlink ppp_generic; do
	grep -q "^$m " /proc/modules && echo "module $m: loaded" || { echo "module $m: MISSING"; exit 1; }
done
ls -l /dev/ppp
